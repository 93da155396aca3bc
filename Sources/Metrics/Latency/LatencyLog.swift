import Foundation

import V2XCore

/// Reads and writes latency logs (JSON Lines of `LatencyRecord`).
public enum LatencyLog {
    /// Reads a log and checks every record.
    /// - Throws: `V2XError` naming the file and line of the first malformed record or
    ///   negative duration.
    public static func read(from url: URL) throws -> [LatencyRecord] {
        try JSONLines.read(LatencyRecord.self, from: url).map {
            guard $0.value.nanoseconds >= 0 else {
                throw V2XError(.malformedData, "negative duration \($0.value.nanoseconds) ns", path: url.path, line: $0.line)
            }
            return $0.value
        }
    }

    /// Writes a log, one record per line, replacing the file atomically.
    public static func write(_ records: [LatencyRecord], to url: URL) throws {
        try JSONLines.write(records, to: url)
    }
}
