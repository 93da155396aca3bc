/// A sliding sequence-number window per sender (as IPsec's anti-replay window, RFC 4303 §3.4.3).
///
/// Accepts each sequence number at most once; numbers more than `size - 1` below the highest
/// seen are refused as too old. State is one `UInt64` bitmap and the highest number: O(1)
/// memory per sender whatever arrives.
public struct ReplayWindow: Sendable, Equatable {
    /// Width of the window in sequence numbers (1…64).
    public let size: Int
    private var highest: UInt64?
    /// Bit i set: `highest - i` has been seen.
    private var seen: UInt64 = 0

    /// - Precondition: `1 <= size <= 64`.
    public init(size: Int = 64) {
        precondition((1...64).contains(size), "replay window size must be 1…64")
        self.size = size
    }

    /// Whether `sequence` would be accepted, without recording it.
    public func wouldAccept(_ sequence: UInt64) -> Bool {
        guard let highest else { return true }
        if sequence > highest { return true }
        let age = highest - sequence
        guard age < UInt64(size) else { return false }
        return seen & (1 << age) == 0
    }

    /// Records `sequence` if it is new. - Returns: false for a replay or a too-old number.
    public mutating func accept(_ sequence: UInt64) -> Bool {
        guard wouldAccept(sequence) else { return false }
        guard let h = highest else {
            highest = sequence; seen = 1
            return true
        }
        if sequence > h {
            let shift = sequence - h
            seen = shift >= 64 ? 1 : (seen << shift) | 1
            highest = sequence
        } else {
            seen |= 1 << (h - sequence)
        }
        return true
    }
}
