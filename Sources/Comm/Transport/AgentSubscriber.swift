import CZeroMQ
import V2XCore

/// An agent's receiving side: one SUB socket connected to every peer's publisher,
/// subscribed to frames addressed to this agent (`"<agent id>\0" || envelope`).
///
/// Socket options, chosen deliberately:
/// - `ZMQ_RCVHWM = receiveHighWaterMark`: at most this many messages per peer wait in the
///   socket; beyond it libzmq drops, so a flood cannot grow the receiver's memory.
/// - `ZMQ_MAXMSGSIZE = limits.maxMessageBytes + topic`: libzmq closes a connection that
///   announces a larger frame before buffering it (an oversized flood costs no memory).
/// - `ZMQ_RECONNECT_IVL = 100 ms`, `ZMQ_RECONNECT_IVL_MAX = 2 s`: a restarted peer is picked
///   up within about a frame; back-off keeps a dead peer from costing CPU.
/// - `ZMQ_LINGER = 0` (from `ZMQSocket`).
/// Not thread-safe: use from one task.
public final class AgentSubscriber {
    /// Messages queued per peer before libzmq drops: 2 s of frames at 10 Hz.
    public static let receiveHighWaterMark: Int32 = 20
    /// First reconnect delay after a peer goes away, in milliseconds.
    public static let reconnectIntervalMilliseconds: Int32 = 100
    /// Longest reconnect back-off, in milliseconds.
    public static let reconnectIntervalMaxMilliseconds: Int32 = 2000

    public let agentID: String
    private let socket: ZMQSocket
    private let topic: [UInt8]

    public init(context: ZMQContext, agentID: String, limits: MessageLimits = .standard) throws {
        socket = try ZMQSocket(context: context, kind: .subscriber)
        topic = AgentPublisher.topic(for: agentID)
        self.agentID = agentID
        try socket.setOption(ZMQ_RCVHWM, Self.receiveHighWaterMark)
        try socket.setOption(ZMQ_MAXMSGSIZE, int64: Int64(limits.maxMessageBytes + topic.count))
        try socket.setOption(ZMQ_RECONNECT_IVL, Self.reconnectIntervalMilliseconds)
        try socket.setOption(ZMQ_RECONNECT_IVL_MAX, Self.reconnectIntervalMaxMilliseconds)
        try socket.setOption(ZMQ_SUBSCRIBE, bytes: topic)
    }

    /// Connects to a peer's publisher endpoint (connections complete in the background).
    public func connect(to endpoint: String) throws { try socket.connect(endpoint) }

    /// Waits up to `timeoutMilliseconds` for one envelope (-1: forever).
    /// - Returns: the envelope bytes without the topic, or nil on time-out.
    public func receive(timeoutMilliseconds: Int32) throws -> [UInt8]? {
        guard let frame = try socket.receive(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        // SUB delivers only frames starting with the subscribed topic.
        return Array(frame.dropFirst(topic.count))
    }
}
