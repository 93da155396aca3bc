import Comm
import V2XCore

/// What the ego keeps of its collaborators' admitted messages between frames, and which of
/// them it fuses for a frame. A value type with no sockets or clocks: the ego's node feeds
/// it what the `MessageGate` admitted and asks it at its deadline.
///
/// For an ego frame captured at `t` and each collaborator:
/// - the message used is the newest with `captureTime ≤ t`;
/// - it is *stale* — dropped, not fused — when `t − captureTime > maxAge`;
/// - messages with `captureTime > t` (the collaborator is ahead of the ego) are not used for
///   this frame but kept for the next;
/// - messages older than the one used are discarded, but the boxes of the last `historyDepth`
///   admitted before it are handed along as its `history` (time and motion compensation
///   follow boxes back through them).
/// At most `capacityPerSender` messages and `historyDepth + capacityPerSender` box snapshots
/// are held per collaborator (the oldest go first), so memory is bounded whatever arrives.
public struct CollaboratorInbox: Sendable {
    /// Why a held message was discarded without being fused.
    public enum Discard: String, Sendable, CaseIterable, Hashable {
        /// Older than `maxAge` at the ego frame it was due for.
        case stale
        /// A newer message of the same sender was fused instead.
        case superseded
        /// Pushed out by `capacityPerSender`.
        case overflow
        /// Same sender and capture time as a held message.
        case duplicate
    }

    /// One collaborator's message chosen for a frame.
    public struct Delivery: Sendable {
        public var message: BEVMessage
        /// The boxes of the same sender's earlier messages, newest first (at most `historyDepth`).
        public var history: [BoxSnapshot]
        /// How much older than the ego's frame the message is, seconds (≥ 0).
        public var ageSeconds: Double
    }

    /// Oldest message used, in seconds before the ego's capture time.
    public let maxAgeSeconds: Double
    /// Messages held per collaborator.
    public let capacityPerSender: Int
    /// Earlier messages' boxes handed along with a delivery.
    public let historyDepth: Int
    /// Discarded messages by reason.
    public private(set) var discards: [Discard: Int] = [:]
    /// Per sender, held messages sorted by capture time.
    private var held: [String: [Held]] = [:]
    /// Per sender, the boxes of admitted messages sorted by capture time.
    private var snapshots: [String: [BoxSnapshot]] = [:]
    /// Per sender, the newest capture time ever admitted (kept after its messages are gone).
    private var lastHeard: [String: Timestamp] = [:]

    private struct Held: Sendable {
        var message: BEVMessage
        var used: Bool
    }

    /// - Throws: `V2XError.invalidArgument` for a non-positive age, a capacity below 2 or a
    ///   negative history depth.
    public init(maxAgeSeconds: Double, capacityPerSender: Int = 8, historyDepth: Int = TrackedVelocity().maxSteps) throws {
        guard maxAgeSeconds.isFinite, maxAgeSeconds > 0, capacityPerSender >= 2, historyDepth >= 0 else {
            throw V2XError(.invalidArgument, "inbox needs a positive max age, room for at least 2 messages per sender and a history depth ≥ 0")
        }
        self.maxAgeSeconds = maxAgeSeconds
        self.capacityPerSender = capacityPerSender
        self.historyDepth = historyDepth
    }

    /// Keeps an admitted message.
    public mutating func insert(_ message: BEVMessage) {
        lastHeard[message.agentID] = max(lastHeard[message.agentID] ?? message.captureTime, message.captureTime)
        var list = held[message.agentID] ?? []
        if list.contains(where: { $0.message.captureTime == message.captureTime }) {
            discards[.duplicate, default: 0] += 1
            return
        }
        let position = list.firstIndex { $0.message.captureTime > message.captureTime } ?? list.count
        list.insert(Held(message: message, used: false), at: position)
        while list.count > capacityPerSender {
            let dropped = list.removeFirst()
            if !dropped.used { discards[.overflow, default: 0] += 1 }
        }
        held[message.agentID] = list
        var boxes = snapshots[message.agentID] ?? []
        let snapshot = BoxSnapshot(captureTime: message.captureTime, pose: message.pose, boxes: message.boxes)
        boxes.insert(snapshot, at: boxes.firstIndex { $0.captureTime > message.captureTime } ?? boxes.count)
        if boxes.count > historyDepth + capacityPerSender { boxes.removeFirst(boxes.count - historyDepth - capacityPerSender) }
        snapshots[message.agentID] = boxes
    }

    /// Senders with at least one held message.
    public var senders: [String] { held.keys.filter { !(held[$0] ?? []).isEmpty }.sorted() }

    /// Whether every agent in `expected` has a held message captured within
    /// `windowSeconds` before `frameTime` (i.e. the collaborator's matching frame is here),
    /// so the ego need not wait for its deadline.
    public func hasCurrentMessage(from expected: some Sequence<String>, frameTime: Timestamp, windowSeconds: Double) -> Bool {
        expected.allSatisfy { id in
            (held[id] ?? []).contains {
                $0.message.captureTime <= frameTime && frameTime.seconds(since: $0.message.captureTime) < windowSeconds
            }
        }
    }

    /// The collaborators worth waiting for at an ego frame captured at `frameTime`: those not
    /// heard from yet (at start-up every peer is expected) and those whose newest message is
    /// at most `maxAge` older than the frame. A collaborator that went silent — crashed,
    /// killed, out of range — stops delaying the ego once its last message is stale, and is
    /// expected again as soon as anything of it is admitted.
    public func expected(from collaborators: [String], frameTime: Timestamp) -> [String] {
        collaborators.filter { id in
            guard let last = lastHeard[id] else { return true }
            return frameTime.seconds(since: last) <= maxAgeSeconds
        }
    }

    /// Chooses, per collaborator, the message to fuse with the ego's frame captured at
    /// `frameTime`, and discards what no later frame can use. Senders in id order.
    public mutating func collect(for frameTime: Timestamp) -> [Delivery] {
        var out: [Delivery] = []
        for sender in held.keys.sorted() {
            var list = held[sender] ?? []
            guard let chosen = list.lastIndex(where: { $0.message.captureTime <= frameTime }) else { continue }
            let age = frameTime.seconds(since: list[chosen].message.captureTime)
            if age > maxAgeSeconds {
                // Nothing at or before `chosen` can serve this or any later frame.
                for h in list[...chosen] where !h.used { discards[.stale, default: 0] += 1 }
                list.removeSubrange(...chosen)
            } else {
                let captured = list[chosen].message.captureTime
                let history = (snapshots[sender] ?? []).filter { $0.captureTime < captured }.suffix(historyDepth).reversed()
                out.append(Delivery(message: list[chosen].message, history: Array(history), ageSeconds: age))
                for h in list[..<chosen] where !h.used { discards[.superseded, default: 0] += 1 }
                list[chosen].used = true
                list.removeSubrange(..<chosen)
            }
            held[sender] = list
        }
        return out
    }
}
