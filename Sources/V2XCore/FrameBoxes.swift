import Foundation

/// One line of a detections or ground-truth JSON Lines file (DESIGN.md, "Detections").
///
/// ```
/// {"scenario":"…","frame":"000068","ego":"1","timestamp_ns":…,
///  "boxes":[{"x":…,"y":…,"z":…,"l":…,"w":…,"h":…,"yaw":…,"score":…,"label":"car"}]}
/// ```
/// Boxes are in the ego LiDAR frame; ground truth omits `score`.
public struct FrameBoxes: Sendable, Equatable, Codable {
    public var scenario: String
    public var frame: String
    public var ego: String
    public var timestamp: Timestamp
    public var boxes: [Box3D]

    public init(scenario: String, frame: String, ego: String, timestamp: Timestamp, boxes: [Box3D]) {
        self.scenario = scenario; self.frame = frame; self.ego = ego
        self.timestamp = timestamp; self.boxes = boxes
    }

    enum CodingKeys: String, CodingKey {
        case scenario, frame, ego, boxes
        case timestamp = "timestamp_ns"
    }
}

/// Reads and writes JSON Lines files of `FrameBoxes`.
public enum FrameBoxesFile {
    /// Encodes one record as a single JSON line (no trailing newline), keys sorted.
    public static func encodeLine(_ record: FrameBoxes) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for box in record.boxes {
            let values = [box.x, box.y, box.z, box.l, box.w, box.h, box.yaw] + (box.score.map { [$0] } ?? [])
            guard values.allSatisfy(\.isFinite) else {
                throw V2XError(.nonFiniteValue, "box in frame \(record.frame) has a non-finite value")
            }
        }
        return String(decoding: try encoder.encode(record), as: UTF8.self)
    }

    /// Parses a whole file. Blank lines are skipped.
    /// - Throws: `V2XError` naming the file and the 1-based line of the first bad record.
    public static func read(from url: URL) throws -> [FrameBoxes] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw V2XError(.ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        let decoder = JSONDecoder()
        var records: [FrameBoxes] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            do {
                records.append(try decoder.decode(FrameBoxes.self, from: Data(line)))
            } catch {
                throw V2XError(.malformedData, "not a detections record: \(error)", path: url.path, line: lineNumber)
            }
        }
        return records
    }

    /// Writes records, one per line, replacing the file.
    public static func write(_ records: [FrameBoxes], to url: URL) throws {
        var text = ""
        for r in records { text += try encodeLine(r) + "\n" }
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }
}
