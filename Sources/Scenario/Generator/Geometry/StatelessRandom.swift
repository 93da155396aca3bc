import Foundation

/// Counter-based random numbers: every value is a pure function of its key, so work
/// can be split across threads in any order and still give bit-identical results.
///
/// The mixer is SplitMix64's finaliser applied to a running combination of the key words
/// (each word is mixed in before the next is added), which decorrelates neighbouring keys
/// such as consecutive ray indices.
struct StatelessRandom: Sendable {
    /// The combined key.
    let state: UInt64

    /// Creates a key from up to four words (e.g. seed, frame, agent, stream).
    init(_ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0, _ d: UInt64 = 0) {
        var h = Self.mix(a &+ 0x9E37_79B9_7F4A_7C15)
        h = Self.mix(h ^ (b &+ 0xD1B5_4A32_D192_ED03))
        h = Self.mix(h ^ (c &+ 0x8CB9_2BA7_2F3D_8DD7))
        h = Self.mix(h ^ (d &+ 0x52DC_E729_DA3E_D7A5))
        state = h
    }

    /// SplitMix64's output function.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The `index`-th 64-bit value of this key's stream.
    @inline(__always)
    func bits(_ index: UInt64) -> UInt64 {
        Self.mix(state &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The `index`-th uniform value in [0, 1) (53 random bits).
    @inline(__always)
    func uniform(_ index: UInt64) -> Double {
        Double(bits(index) >> 11) * 0x1.0p-53
    }

    /// An approximately standard normal value from the single stream value `index`: the
    /// Irwin–Hall sum of four 16-bit uniforms, centred and scaled to unit variance
    /// (`(Σuᵢ − 2)·√3`). Its tails stop at ±3.46σ, which suits sensor noise, and it needs
    /// no logarithm or trigonometry (Box–Muller cost 15 % of a sweep in `perf`).
    @inline(__always)
    func approximateGaussian(_ index: UInt64) -> Float {
        let b = bits(index)
        let sum = Float(b & 0xFFFF) + Float((b >> 16) & 0xFFFF) + Float((b >> 32) & 0xFFFF) + Float(b >> 48)
        return (sum * (1 / 65536) - 2) * 1.7320508
    }

    /// A standard normal value from the stream values `index` and `index + 1` (Box–Muller).
    @inline(__always)
    func gaussian(_ index: UInt64) -> Double {
        let u1 = 1 - uniform(index)  // in (0, 1]: log is finite
        let u2 = uniform(index &+ 1)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

