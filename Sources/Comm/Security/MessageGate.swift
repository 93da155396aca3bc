import Crypto
import Foundation
import V2XCore

/// A receiver's checks on untrusted bytes, in order of cost; every drop is counted by reason.
///
/// ```
/// size ≤ limit → envelope parses → version → signature present → signer in keyring
///   → ECDSA verify (over the received payload bytes, before parsing them)
///   → payload parses and validates → payload agent == signer → known codebook
///   → capture/send time within [now - maxAge, now + maxFuture] → sequence not replayed
/// ```
/// The replay window is advanced only after every other check passed, so forged or stale
/// messages cannot push it forward. State grows only with the keyring (one window per
/// trusted agent), so a flood of any content leaves memory bounded.
public struct MessageGate: Sendable {
    /// Tunables of the checks.
    public struct Policy: Sendable {
        public var limits: MessageLimits
        /// Width of each sender's sequence window (1…64).
        public var sequenceWindow: Int
        /// Oldest capture or send time accepted, relative to the receiver's clock, in seconds.
        public var maxAgeSeconds: Double
        /// Largest clock lead of the sender tolerated, in seconds.
        public var maxFutureSeconds: Double
        /// Codebook hashes the receiver can decode; nil accepts any (e.g. late fusion only).
        public var acceptedCodebookHashes: Set<[UInt8]>?

        /// 64-frame window, 0.5 s age (5 frames at 10 Hz), 50 ms clock lead.
        public init(
            limits: MessageLimits = .standard, sequenceWindow: Int = 64, maxAgeSeconds: Double = 0.5,
            maxFutureSeconds: Double = 0.05, acceptedCodebookHashes: Set<[UInt8]>? = nil
        ) {
            self.limits = limits; self.sequenceWindow = sequenceWindow
            self.maxAgeSeconds = maxAgeSeconds; self.maxFutureSeconds = maxFutureSeconds
            self.acceptedCodebookHashes = acceptedCodebookHashes
        }
    }

    /// What became of one input.
    public enum Verdict: Sendable {
        case accepted(BEVMessage)
        case rejected(RejectionReason)
    }

    public let keyring: Keyring
    public let policy: Policy
    /// Messages accepted so far.
    public private(set) var acceptedCount = 0
    /// Messages dropped so far, by reason.
    public private(set) var rejections: [RejectionReason: Int] = [:]
    private var windows: [String: ReplayWindow] = [:]

    /// - Throws: `V2XError.invalidArgument` for a window outside 1…64 or negative time bounds.
    public init(keyring: Keyring, policy: Policy = Policy()) throws {
        guard (1...64).contains(policy.sequenceWindow), policy.maxAgeSeconds >= 0, policy.maxFutureSeconds >= 0 else {
            throw V2XError(.invalidArgument, "sequence window must be 1…64 and time bounds non-negative")
        }
        self.keyring = keyring
        self.policy = policy
    }

    /// Total inputs dropped.
    public var rejectedCount: Int { rejections.values.reduce(0, +) }

    /// Checks one input against the receiver's clock `now`; counts the verdict.
    public mutating func admit(_ bytes: [UInt8], now: Timestamp) -> Verdict {
        let verdict = check(bytes, now: now)
        switch verdict {
        case .accepted: acceptedCount += 1
        case .rejected(let reason): rejections[reason, default: 0] += 1
        }
        return verdict
    }

    private mutating func check(_ bytes: [UInt8], now: Timestamp) -> Verdict {
        guard bytes.count <= policy.limits.maxMessageBytes else { return .rejected(.oversized) }
        guard let envelope = try? V2x_Wire_Envelope(serializedBytes: bytes) else { return .rejected(.malformedEnvelope) }
        guard envelope.formatVersion == BEVMessage.formatVersion else { return .rejected(.unsupportedVersion) }
        guard envelope.signature.count == 64,
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: envelope.signature) else {
            return .rejected(.unsigned)
        }
        guard let key = keyring.publicKey(for: envelope.signerID) else { return .rejected(.unknownSigner) }
        let signed = SignedBytes.make(formatVersion: envelope.formatVersion, payload: envelope.payload)
        guard key.isValidSignature(signature, for: signed) else { return .rejected(.badSignature) }
        guard let message = try? BEVMessage(payload: [UInt8](envelope.payload), limits: policy.limits) else {
            return .rejected(.malformedPayload)
        }
        guard message.agentID == envelope.signerID else { return .rejected(.wrongKey) }
        if let accepted = policy.acceptedCodebookHashes, !accepted.contains(message.codebook.hash) {
            return .rejected(.unknownCodebook)
        }
        let oldest = now.nanoseconds &- Int64(policy.maxAgeSeconds * 1e9)
        let newest = now.nanoseconds &+ Int64(policy.maxFutureSeconds * 1e9)
        for t in [message.captureTime.nanoseconds, message.sendTime.nanoseconds] {
            if t < oldest { return .rejected(.stale) }
            if t > newest { return .rejected(.fromFuture) }
        }
        guard message.captureTime <= message.sendTime else { return .rejected(.malformedPayload) }
        var window = windows[message.agentID] ?? ReplayWindow(size: policy.sequenceWindow)
        guard window.accept(message.sequence) else { return .rejected(.replayed) }
        windows[message.agentID] = window
        return .accepted(message)
    }
}
