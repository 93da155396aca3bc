/// One message an agent broadcast: a line of a message log (JSON Lines), written by the
/// communication layer for every message sent.
///
/// ```
/// {"agent":"641","frame":"000068","timestamp_ns":1700000000100000000,
///  "bytes":18432,"cells_sent":2210,"cells_total":65536}
/// ```
/// | key | meaning |
/// |---|---|
/// | `agent` | id of the sending agent |
/// | `frame` | the sensor frame the message carries |
/// | `timestamp_ns` | send time (integer nanoseconds), optional |
/// | `bytes` | encoded size on the wire, headers and signature included |
/// | `cells_sent` | BEV cells carried |
/// | `cells_total` | cells of the sender's full BEV grid |
///
/// An agent may send several messages for one frame (e.g. to several receivers); their
/// bytes add up in `CommunicationSummary`.
public struct MessageRecord: Sendable, Equatable, Codable {
    public var agent: String
    public var frame: String
    public var timestampNanoseconds: Int64?
    public var bytes: Int
    public var cellsSent: Int
    public var cellsTotal: Int

    public init(agent: String, frame: String, timestampNanoseconds: Int64? = nil, bytes: Int, cellsSent: Int, cellsTotal: Int) {
        self.agent = agent; self.frame = frame; self.timestampNanoseconds = timestampNanoseconds
        self.bytes = bytes; self.cellsSent = cellsSent; self.cellsTotal = cellsTotal
    }

    /// What is wrong with the record, or nil: negative sizes, `cells_sent > cells_total`.
    public var problem: String? {
        if bytes < 0 { return "bytes \(bytes) is negative" }
        if cellsTotal < 0 || cellsSent < 0 || cellsSent > cellsTotal {
            return "need 0 ≤ cells_sent ≤ cells_total, got \(cellsSent) and \(cellsTotal)"
        }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case agent, frame, bytes
        case timestampNanoseconds = "timestamp_ns"
        case cellsSent = "cells_sent"
        case cellsTotal = "cells_total"
    }
}
