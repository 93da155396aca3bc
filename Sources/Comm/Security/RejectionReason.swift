/// Why a receiver dropped a message. Every drop is counted under exactly one reason.
public enum RejectionReason: String, Sendable, CaseIterable, Hashable {
    /// Larger than `MessageLimits.maxMessageBytes`.
    case oversized
    /// Not a parseable envelope.
    case malformedEnvelope = "malformed-envelope"
    /// An envelope of a wire format version this build does not read.
    case unsupportedVersion = "unsupported-version"
    /// No signature, or not a 64-byte raw P-256 signature.
    case unsigned
    /// Signed by an agent that is not in the keyring.
    case unknownSigner = "unknown-signer"
    /// The signature does not verify under the signer's key (forged or tampered bytes).
    case badSignature = "bad-signature"
    /// Verified, but the payload is not a valid `BEVMessage`.
    case malformedPayload = "malformed-payload"
    /// Verified, but the payload claims another agent than the key that signed it.
    case wrongKey = "wrong-key"
    /// Codes from a codebook this receiver does not hold.
    case unknownCodebook = "unknown-codebook"
    /// A sequence number already seen or older than the replay window.
    case replayed
    /// Captured or sent too long ago.
    case stale
    /// Captured or sent too far in the future (clock skew beyond tolerance).
    case fromFuture = "from-future"
}
