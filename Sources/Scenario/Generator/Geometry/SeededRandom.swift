import Foundation

/// A sequential, seedable random number generator (SplitMix64) for the parts of the
/// generator that run in one thread (world layout, traffic). Its helpers draw values
/// with our own arithmetic so results do not depend on the standard library's
/// unspecified `random(in:using:)` algorithms.
struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64) {
        state = StatelessRandom(seed, stream).state
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return StatelessRandom.mix(state)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lower, upper).
    mutating func uniform(_ lower: Double, _ upper: Double) -> Double { lower + (upper - lower) * unit() }

    /// Uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = 1 - unit()
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Normal with mean and standard deviation, redrawn until it falls in `range`
    /// (a truncated normal; used for physical sizes, not for configuration values).
    mutating func truncatedGaussian(mean: Double, sigma: Double, in range: ClosedRange<Double>) -> Double {
        for _ in 0..<64 {
            let v = mean + sigma * gaussian()
            if range.contains(v) { return v }
        }
        return mean
    }

    /// Exponential with the given mean.
    mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }

    /// An index drawn with probability proportional to `weights` (all ≥ 0, sum > 0).
    mutating func weightedIndex(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var r = unit() * total
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }
}
