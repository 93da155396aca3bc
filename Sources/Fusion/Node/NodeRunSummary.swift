/// Counts of one node's run: what it processed and every message it dropped, by reason.
/// Written as JSON beside the node's logs (`node-stats.json`).
public struct NodeRunSummary: Sendable, Equatable, Codable {
    public var agent: String
    public var isEgo: Bool
    public var framesProcessed = 0
    /// Frames passed over because the node was behind the sensor.
    public var framesSkipped = 0
    public var messagesSent = 0
    /// Per peer: copies lost by link emulation (`loss`) and dropped by its full queue (`bandwidth`).
    public var linkLost: [String: Int] = [:]
    public var linkQueueDropped: [String: Int] = [:]
    /// Copies dropped because the publisher held too many delayed messages.
    public var publisherPendingDropped = 0
    /// Ego: messages the gate admitted.
    public var messagesAccepted = 0
    /// Ego: messages the gate dropped, by `RejectionReason` raw value.
    public var messagesRejected: [String: Int] = [:]
    /// Ego: admitted messages never fused, by `CollaboratorInbox.Discard` raw value.
    public var messagesDiscarded: [String: Int] = [:]
    /// Ego: admitted messages whose features could not be decoded.
    public var decodeFailures = 0
    /// Ego: collaborator observations fused, summed over frames.
    public var collaboratorsFused = 0
    /// Why the run ended: `finished`, `stopped` (signal) or `frame-limit`.
    public var ending = "finished"
    /// CPU time the process used during the run, all threads, user and system: frames,
    /// waiting and sending (model loading before it excluded). `nil` in summaries written
    /// before it was recorded.
    public var cpuSeconds: Double?

    public init(agent: String, isEgo: Bool) { self.agent = agent; self.isEgo = isEgo }

    enum CodingKeys: String, CodingKey {
        case agent, ending
        case isEgo = "is_ego"
        case framesProcessed = "frames_processed"
        case framesSkipped = "frames_skipped"
        case messagesSent = "messages_sent"
        case linkLost = "link_lost"
        case linkQueueDropped = "link_queue_dropped"
        case publisherPendingDropped = "publisher_pending_dropped"
        case messagesAccepted = "messages_accepted"
        case messagesRejected = "messages_rejected"
        case messagesDiscarded = "messages_discarded"
        case decodeFailures = "decode_failures"
        case collaboratorsFused = "collaborators_fused"
        case cpuSeconds = "cpu_seconds"
    }
}
