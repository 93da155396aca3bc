/// SplitMix64: a small, fast, seedable random number generator.
///
/// Used wherever v2x needs the same "random" choices for the same seed on every machine:
/// weight initialisation, shuffling and augmentation in training, k-means++ seeding, link
/// loss and jitter, synthetic benchmark sets, and tests. Not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    /// The generator's whole state (a checkpoint can store it to resume a stream).
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A generator for a sub-stream (e.g. one training step), independent of the order in
    /// which streams are used.
    public static func stream(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0) -> SplitMix64 {
        var g = SplitMix64(seed: seed ^ (a &* 0xD1B5_4A32_D192_ED03) ^ (b &* 0x8CB9_2BA7_2F3D_8DD7))
        _ = g.next()
        return g
    }
}
