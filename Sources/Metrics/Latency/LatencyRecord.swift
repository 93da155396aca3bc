/// How long one pipeline stage took for one frame on one agent: a line of a node's
/// latency log (JSON Lines).
///
/// ```
/// {"agent":"641","stage":"backbone","frame":"000068","nanoseconds":8412000}
/// ```
/// Stage names are free text; the stack uses `encode` (pillars), `backbone`, `select`
/// (cells), `serialize`, `send`, `receive`, `warp`, `fuse`, `decode` (boxes) and `total`.
public struct LatencyRecord: Sendable, Equatable, Codable {
    public var agent: String
    public var stage: String
    public var frame: String
    /// Duration in nanoseconds (≥ 0).
    public var nanoseconds: Int64

    public init(agent: String, stage: String, frame: String, nanoseconds: Int64) {
        self.agent = agent; self.stage = stage; self.frame = frame; self.nanoseconds = nanoseconds
    }
}
