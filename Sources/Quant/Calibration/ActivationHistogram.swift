import V2XCore

/// What a calibration run saw of one activation tensor: exact extremes and counts, and
/// histograms of the non-zero values by magnitude, one per sign, in bins of one shared width
/// anchored at 0:
///
/// ```
/// positive[k] counts x > 0 with  k·w ≤  x < (k+1)·w        k = 0 … binCount−1
/// negative[k] counts x < 0 with  k·w ≤ −x < (k+1)·w
/// ```
/// The range grows as larger values arrive: the width doubles (always a power of two) and
/// neighbouring pairs of bins merge, so no count is ever dropped or split and the result
/// does not depend on how the values were batched, only on the largest magnitude seen.
///
/// Exact zeros are counted apart (`zeroCount`) and kept out of the bins: a ReLU output's
/// zeros are represented exactly at any scale, and their share says how empty a scene was,
/// not how the non-zero values are spread. Non-finite values are skipped and counted.
public struct ActivationHistogram: Sendable, Equatable {
    /// Bins per sign unless told otherwise: the resolution entropy calibration searches over.
    public static let defaultBinCount = 2048

    /// Bins per sign.
    public let binCount: Int
    /// Width of one bin; 0 until the first non-zero value.
    public private(set) var binWidth: Float = 0
    /// Counts of positive values by magnitude.
    public private(set) var positive: [Int]
    /// Counts of negative values by magnitude.
    public private(set) var negative: [Int]
    /// Finite values seen, zeros included.
    public private(set) var count = 0
    /// Exact zeros seen.
    public private(set) var zeroCount = 0
    /// NaN and infinite values skipped.
    public private(set) var nonFiniteCount = 0
    /// The smallest and largest finite values seen (`+∞` and `−∞` while empty).
    public private(set) var minimum = Float.infinity
    public private(set) var maximum = -Float.infinity

    /// An empty histogram.
    /// - Throws: `V2XError.invalidArgument` unless `binCount` is a power of two ≥ 2 (so pairs merge evenly).
    public init(binCount: Int = ActivationHistogram.defaultBinCount) throws {
        guard binCount >= 2, binCount & (binCount - 1) == 0 else {
            throw V2XError(.invalidArgument, "histogram bin count must be a power of two ≥ 2, got \(binCount)")
        }
        self.binCount = binCount
        positive = [Int](repeating: 0, count: binCount)
        negative = [Int](repeating: 0, count: binCount)
    }

    /// Number of values in the bins: finite and non-zero.
    public var binnedCount: Int { count - zeroCount }

    /// The largest magnitude the bins can hold: `binCount · binWidth`.
    public var rangeLimit: Float { Float(binCount) * binWidth }

    /// Adds every value of `values`.
    public mutating func add(_ values: [Float]) {
        values.withUnsafeBufferPointer { add($0) }
    }

    /// Adds every value of `values`.
    public mutating func add(_ values: UnsafeBufferPointer<Float>) {
        var low = minimum, high = maximum, largest: Float = 0
        var finite = 0
        for v in values where v.isFinite {
            finite += 1
            low = Swift.min(low, v); high = Swift.max(high, v)
            largest = Swift.max(largest, abs(v))
        }
        nonFiniteCount += values.count - finite
        count += finite
        minimum = low; maximum = high
        guard largest > 0 else {
            zeroCount += finite
            return
        }
        grow(toHold: largest)
        let inverse = 1 / binWidth, last = binCount - 1
        var zeros = 0
        positive.withUnsafeMutableBufferPointer { pos in
            negative.withUnsafeMutableBufferPointer { neg in
                for v in values where v.isFinite {
                    if v > 0 {
                        pos[Swift.min(last, Int(v * inverse))] += 1
                    } else if v < 0 {
                        neg[Swift.min(last, Int(-v * inverse))] += 1
                    } else {
                        zeros += 1
                    }
                }
            }
        }
        zeroCount += zeros
    }

    /// Doubles the bin width (merging pairs) until `magnitude < rangeLimit`; the first call
    /// picks the smallest power of two that fits.
    private mutating func grow(toHold magnitude: Float) {
        if binWidth == 0 {
            let exponent = Int((magnitude / Float(binCount)).exponent)
            binWidth = Swift.max(Float.leastNormalMagnitude, Float(sign: .plus, exponent: exponent, significand: 1))
        }
        while magnitude >= rangeLimit {
            binWidth *= 2
            for k in 0..<(binCount / 2) {
                positive[k] = positive[2 * k] + positive[2 * k + 1]
                negative[k] = negative[2 * k] + negative[2 * k + 1]
            }
            for k in (binCount / 2)..<binCount {
                positive[k] = 0
                negative[k] = 0
            }
        }
    }
}
