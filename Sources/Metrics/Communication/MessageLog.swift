import Foundation

import V2XCore

/// Reads and writes message logs (JSON Lines of `MessageRecord`).
public enum MessageLog {
    /// Reads a log and checks every record.
    /// - Throws: `V2XError` naming the file and line of the first malformed or invalid record.
    public static func read(from url: URL) throws -> [MessageRecord] {
        try JSONLines.read(MessageRecord.self, from: url).map {
            if let problem = $0.value.problem {
                throw V2XError(.malformedData, problem, path: url.path, line: $0.line)
            }
            return $0.value
        }
    }

    /// Writes a log, one record per line, replacing the file atomically.
    public static func write(_ records: [MessageRecord], to url: URL) throws {
        try JSONLines.write(records, to: url)
    }
}
