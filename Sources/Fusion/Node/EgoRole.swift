import Comm
import V2XCore

/// What makes a node the ego: it listens to the others, admits their messages through the
/// gate, keeps them in an inbox and fuses them with its own frame at its deadline.
public struct EgoRole {
    /// Connected to every collaborator's publisher.
    public let subscriber: AgentSubscriber
    public var gate: MessageGate
    public var inbox: CollaboratorInbox
    public let fusion: CooperativeDetector
    /// The codebook collaborators' codes index.
    public let codebook: FeatureCodebook
    /// The agents the ego may hear from; it stops waiting early once every one of them that
    /// is not silent (`CollaboratorInbox.expected`) has sent its current frame.
    public let collaborators: [String]
    /// Scenario seconds after its own capture the ego waits for messages.
    public let deadlineSeconds: Double
    /// A collaborator's message counts as its current frame when captured at most this long
    /// before the ego's sweep (half a sensor period).
    public let currentWindowSeconds: Double

    public init(
        subscriber: AgentSubscriber, gate: MessageGate, inbox: CollaboratorInbox, fusion: CooperativeDetector,
        codebook: FeatureCodebook, collaborators: [String], deadlineSeconds: Double, currentWindowSeconds: Double
    ) {
        self.subscriber = subscriber; self.gate = gate; self.inbox = inbox; self.fusion = fusion
        self.codebook = codebook; self.collaborators = collaborators
        self.deadlineSeconds = deadlineSeconds; self.currentWindowSeconds = currentWindowSeconds
    }

    /// Receives at most one message, waiting up to `timeoutMilliseconds`, and admits it at the
    /// scenario time `now()` gives when it arrived.
    /// - Returns: the gate's time for it, or nil when nothing arrived.
    mutating func receiveOne(timeoutMilliseconds: Int32, now: () -> Timestamp) throws -> Int64? {
        guard let bytes = try subscriber.receive(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        let arrival = now()
        let t0 = WallClock.monotonicNanoseconds()
        let verdict = gate.admit(bytes, now: arrival)
        let elapsed = WallClock.monotonicNanoseconds() - t0
        if case .accepted(let message) = verdict { inbox.insert(message) }
        return elapsed
    }
}
