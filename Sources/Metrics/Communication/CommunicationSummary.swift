import Foundation

/// Communication volume of a run, from its message log.
///
/// With `B(a, f)` the bytes agent `a` sent for frame `f` (summed over its messages) and
/// the sum taken over the (agent, frame) pairs that sent anything:
/// ```
/// bytes_per_agent_frame = mean B(a, f)
/// log2_bytes            = log₂(bytes_per_agent_frame)      (the V2X papers' volume axis)
/// mbit_per_second       = bytes_per_agent_frame · 8 · rate / 10⁶   (one agent's stream at
///                          the sensor rate, 10 Hz by default)
/// fraction_cells_sent   = Σ cells_sent / Σ cells_total
/// ```
/// JSON keys: `messages`, `agent_frames`, `total_bytes`, `bytes_per_agent_frame`,
/// `log2_bytes`, `mbit_per_second`, `fraction_cells_sent`, `sensor_rate_hz`, and
/// `per_agent` (agent id → the same keys for that agent alone).
public struct CommunicationSummary: Sendable, Equatable, Encodable {
    /// Volume figures over one set of messages.
    public struct Volume: Sendable, Equatable, Encodable {
        public var messages: Int
        public var agentFrames: Int
        public var totalBytes: Int
        public var bytesPerAgentFrame: Double
        /// `log₂(bytesPerAgentFrame)`; nil when nothing was sent.
        public var log2Bytes: Double?
        public var megabitsPerSecond: Double
        /// nil when `cells_total` sums to 0.
        public var fractionCellsSent: Double?

        enum CodingKeys: String, CodingKey {
            case messages
            case agentFrames = "agent_frames"
            case totalBytes = "total_bytes"
            case bytesPerAgentFrame = "bytes_per_agent_frame"
            case log2Bytes = "log2_bytes"
            case megabitsPerSecond = "mbit_per_second"
            case fractionCellsSent = "fraction_cells_sent"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(messages, forKey: .messages)
            try c.encode(agentFrames, forKey: .agentFrames)
            try c.encode(totalBytes, forKey: .totalBytes)
            try c.encode(bytesPerAgentFrame, forKey: .bytesPerAgentFrame)
            try c.encode(log2Bytes, forKey: .log2Bytes)
            try c.encode(megabitsPerSecond, forKey: .megabitsPerSecond)
            try c.encode(fractionCellsSent, forKey: .fractionCellsSent)
        }
    }

    /// Frames per second each agent sends at (the LiDAR rate).
    public var sensorRateHz: Double
    /// Over all agents.
    public var overall: Volume
    /// Per sending agent, sorted by id.
    public var perAgent: [NamedSummary<Volume>]

    /// Summarises a message log.
    /// - Parameter sensorRateHz: frames per second (10 Hz for OPV2V and DAIR-V2X).
    public init(messages: [MessageRecord], sensorRateHz: Double = 10) {
        self.sensorRateHz = sensorRateHz
        overall = Self.volume(messages, rate: sensorRateHz)
        perAgent = Dictionary(grouping: messages, by: \.agent).sorted { $0.key < $1.key }.map {
            NamedSummary(name: $0.key, summary: Self.volume($0.value, rate: sensorRateHz))
        }
    }

    static func volume(_ messages: [MessageRecord], rate: Double) -> Volume {
        var perAgentFrame: [String: Int] = [:]
        var cellsSent = 0, cellsTotal = 0, total = 0
        for m in messages {
            // Agent ids and frame names cannot contain NUL in any dataset, so it separates them.
            perAgentFrame["\(m.agent)\u{0}\(m.frame)", default: 0] += m.bytes
            cellsSent += m.cellsSent
            cellsTotal += m.cellsTotal
            total += m.bytes
        }
        let mean = perAgentFrame.isEmpty ? 0 : Double(total) / Double(perAgentFrame.count)
        return Volume(
            messages: messages.count, agentFrames: perAgentFrame.count, totalBytes: total, bytesPerAgentFrame: mean,
            log2Bytes: mean > 0 ? log2(mean) : nil, megabitsPerSecond: mean * 8 * rate / 1e6,
            fractionCellsSent: cellsTotal > 0 ? Double(cellsSent) / Double(cellsTotal) : nil
        )
    }

    public func encode(to encoder: any Encoder) throws {
        try overall.encode(to: encoder)
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(sensorRateHz, forKey: "sensor_rate_hz")
        try c.encode(Dictionary(perAgent.map { ($0.name, $0.summary) }, uniquingKeysWith: { a, _ in a }), forKey: "per_agent")
    }
}
