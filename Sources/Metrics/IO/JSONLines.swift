import Foundation

import V2XCore

/// Reads and writes JSON Lines files (one JSON object per line) of any `Codable` record,
/// keeping each record's 1-based line number so later checks can point at it.
public enum JSONLines {
    /// A decoded record and the line it came from.
    public struct Numbered<Value: Sendable>: Sendable {
        public var line: Int
        public var value: Value
    }

    /// Decodes every non-blank line of a file as `Value`.
    /// - Throws: `V2XError.ioFailure` naming the file when it cannot be read;
    ///   `V2XError.malformedData` naming the file and line of the first record that does
    ///   not decode.
    public static func read<Value: Decodable & Sendable>(_ type: Value.Type, from url: URL) throws -> [Numbered<Value>] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw V2XError(.ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        let decoder = JSONDecoder()
        var records: [Numbered<Value>] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            do {
                records.append(Numbered(line: lineNumber, value: try decoder.decode(Value.self, from: Data(line))))
            } catch {
                throw V2XError(.malformedData, "not a \(Value.self) record: \(describe(error))", path: url.path, line: lineNumber)
            }
        }
        return records
    }

    /// Encodes records one per line (keys sorted) and replaces the file atomically, so a
    /// failure leaves any previous file intact.
    /// - Throws: `V2XError.ioFailure` naming the file when it cannot be written.
    public static func write<Value: Encodable>(_ records: [Value], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Data()
        for record in records {
            data.append(try encoder.encode(record))
            data.append(UInt8(ascii: "\n"))
        }
        do { try data.write(to: url, options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }

    /// A short account of a decoding error: the key path and what was wrong.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context): return "\(context.debugDescription)\(path(context))"
        case .valueNotFound(_, let context): return "\(context.debugDescription)\(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }
}
