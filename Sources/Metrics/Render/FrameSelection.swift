import Foundation
import V2XCore

/// Parses a frame selection such as `000068,000070` or `0..9,20` against a scenario's
/// frame names.
///
/// Items are separated by commas. An item equal to a frame name selects that frame; an
/// integer selects the frame at that index (from 0); `a..b` selects indices a through b
/// inclusive. The result keeps the order given, without repeats.
public enum FrameSelection {
    /// - Throws: `V2XError.invalidArgument` naming the first item that is neither a frame
    ///   name nor an index (or range) inside the scenario.
    public static func parse(_ spec: String, frameIDs: [String]) throws -> [Int] {
        let byName = Dictionary(frameIDs.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [Int] = []
        var seen = Set<Int>()
        func add(_ i: Int) { if seen.insert(i).inserted { out.append(i) } }
        for raw in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let item = raw.trimmingCharacters(in: .whitespaces)
            if let i = byName[item] {
                add(i)
            } else if let i = Int(item), frameIDs.indices.contains(i) {
                add(i)
            } else if let range = item.range(of: ".."),
                      let a = Int(item[..<range.lowerBound]), let b = Int(item[range.upperBound...]),
                      a <= b, frameIDs.indices.contains(a), frameIDs.indices.contains(b) {
                (a...b).forEach(add)
            } else {
                throw V2XError(
                    .invalidArgument,
                    "frame selection item \"\(item)\" is neither a frame name nor an index or a..b range in 0..\(frameIDs.count - 1)"
                )
            }
        }
        return out
    }
}
