/// SplitMix64: a tiny seeded generator, so training (initialisation, shuffling, augmentation)
/// is reproducible from one seed and can resume mid-run.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for a sub-stream (e.g. one step), independent of the order streams are used in.
    public static func stream(seed: UInt64, _ a: UInt64, _ b: UInt64 = 0) -> SplitMix64 {
        var g = SplitMix64(seed: seed ^ (a &* 0xD1B5_4A32_D192_ED03) ^ (b &* 0x8CB9_2BA7_2F3D_8DD7))
        _ = g.next()
        return g
    }
}
