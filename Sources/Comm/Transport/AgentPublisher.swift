import CZeroMQ
import V2XCore

/// An agent's sending side: one bound PUB socket, one emulated link per peer.
///
/// Every peer gets its own copy framed as `"<peer id>\0" || envelope`; the peer's SUB socket
/// subscribes to its own id, so each copy reaches exactly one receiver. That lets each
/// link have its own delay, loss and rate (a real radio broadcast would send one copy;
/// the per-peer copies cost only loopback bandwidth here).
///
/// Socket options, chosen deliberately:
/// - `ZMQ_SNDHWM = sendHighWaterMark`: PUB drops (never blocks) for a subscriber whose queue
///   holds this many messages, so a stalled peer cannot grow the sender's memory.
/// - `ZMQ_LINGER = 0` (from `ZMQSocket`): closing discards unsent frames; stale BEV frames
///   are worthless.
/// - `ZMQ_SNDBUF` is left to the kernel.
/// Not thread-safe: use from one task.
public final class AgentPublisher {
    /// Messages queued per subscriber before PUB drops: 2 s of frames at 10 Hz.
    public static let sendHighWaterMark: Int32 = 20

    public let agentID: String
    /// The bound endpoint with any wildcard port resolved.
    public let endpoint: String
    private let socket: ZMQSocket
    private var links: [String: LinkEmulator] = [:]
    /// Messages waiting for their delivery time, kept sorted by time (then by order offered).
    private var pending: [(due: Int64, order: Int, frame: [UInt8])] = []
    private var offered = 0
    /// Most messages held for emulated delay across all links; beyond it new ones are dropped.
    public let maxPendingMessages: Int
    /// Messages dropped because `maxPendingMessages` was reached.
    public private(set) var pendingDropCount = 0

    /// Binds a PUB socket (e.g. `tcp://127.0.0.1:*`, `tcp://0.0.0.0:7000`, `ipc:///tmp/v2x-ego`).
    public init(context: ZMQContext, agentID: String, bindTo endpoint: String, maxPendingMessages: Int = 1024) throws {
        socket = try ZMQSocket(context: context, kind: .publisher)
        try socket.setOption(ZMQ_SNDHWM, Self.sendHighWaterMark)
        try socket.bind(endpoint)
        self.endpoint = try socket.lastEndpoint()
        self.agentID = agentID
        self.maxPendingMessages = maxPendingMessages
    }

    /// Adds (or replaces) the link to a peer. Messages are sent only to peers with a link.
    public func addLink(to peerID: String, profile: LinkProfile = .perfect, seed: UInt64 = 0) {
        links[peerID] = LinkEmulator(profile: profile, seed: seed)
    }

    /// The emulator of a link, for its loss and queue-drop counts.
    public func link(to peerID: String) -> LinkEmulator? { links[peerID] }

    /// Offers an envelope to every link at time `now`, then sends whatever is due.
    /// - Returns: copies handed to the socket in this call.
    @discardableResult
    public func publish(_ envelope: [UInt8], now: Timestamp) throws -> Int {
        for peer in links.keys.sorted() {
            guard let due = links[peer]?.schedule(byteCount: envelope.count, at: now) else { continue }
            guard pending.count < maxPendingMessages else {
                pendingDropCount += 1
                continue
            }
            let item = (due: due.nanoseconds, order: offered, frame: Self.topic(for: peer) + envelope)
            offered += 1
            let position = pending.firstIndex { ($0.due, $0.order) > (item.due, item.order) } ?? pending.count
            pending.insert(item, at: position)
        }
        return try pump(now: now)
    }

    /// Sends every held message whose delivery time is ≤ `now`.
    /// - Returns: messages handed to the socket.
    @discardableResult
    public func pump(now: Timestamp) throws -> Int {
        var sent = 0
        while let first = pending.first, first.due <= now.nanoseconds {
            pending.removeFirst()
            // PUB never blocks: at the high-water mark libzmq drops the frame itself.
            try socket.send(first.frame)
            sent += 1
        }
        return sent
    }

    /// When the next held message is due, or nil when none is held.
    public var nextDeliveryTime: Timestamp? { pending.first.map { Timestamp(nanoseconds: $0.due) } }

    /// The subscription prefix of a peer: its id and a NUL.
    public static func topic(for peerID: String) -> [UInt8] { Array(peerID.utf8) + [0] }
}
