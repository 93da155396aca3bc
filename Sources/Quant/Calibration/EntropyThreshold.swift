import Foundation
import V2XCore

/// Entropy (KL-divergence) calibration: the clipping threshold whose quantized distribution
/// loses the least information about the observed one (Migacz, "8-bit inference with
/// TensorRT", 2017; the procedure of MXNet's `_get_optimal_threshold`, with levels spread
/// evenly over the candidate range as in NVIDIA's pytorch-quantization rather than leaving
/// the remainder to the last level, which favours thresholds just below multiples of `levels`).
///
/// For each candidate `i` (a threshold at `i` bins) from `levels` to the last non-empty bin:
/// ```
/// P = counts[0 ..< i], with every count at or beyond bin i added to P[i−1]   (clipping)
/// Q = counts[0 ..< i] merged into `levels` groups, bin k in group ⌊k · levels / i⌋ (groups of
///     ⌊i / levels⌋ or ⌈i / levels⌉ bins, like levels spread evenly over the clipped range),
///     each group's total spread evenly over its bins where P ≠ 0
/// D(i) = KL(P̂ ‖ Q̂) after smoothing both (ε = 1e-4 counts onto each empty bin, taken from
///        the others in proportion to their counts) and normalising
/// ```
/// and the threshold is the `i` of least divergence (the smallest on ties).
public enum EntropyThreshold {
    /// Mass moved onto each empty bin before the divergence is taken, in counts.
    static let smoothing = 1e-4

    /// The number of bins, counted from 0, to keep: values beyond `result · binWidth` are clipped.
    /// - Parameters:
    ///   - counts: a histogram of magnitudes (bin 0 nearest zero).
    ///   - levels: quantization levels available over the kept range (256 for a one-sided u8
    ///     range, 128 per side for a range symmetric about 0).
    /// - Returns: the number of non-empty bins' extent when it is at most `levels` (nothing
    ///   to gain from clipping), else the best candidate; 0 for an empty histogram.
    /// - Throws: `V2XError.invalidArgument` for `levels < 1` or negative counts.
    public static func bins(_ counts: [Int], levels: Int) throws -> Int {
        guard levels >= 1 else { throw V2XError(.invalidArgument, "entropy calibration needs ≥ 1 level, got \(levels)") }
        guard counts.allSatisfy({ $0 >= 0 }) else { throw V2XError(.invalidArgument, "histogram counts must be ≥ 0") }
        guard let last = counts.lastIndex(where: { $0 > 0 }) else { return 0 }
        let extent = last + 1
        guard extent > levels else { return extent }
        var best = levels, bestDivergence = Double.infinity
        for i in levels...extent {
            let d = divergence(counts, bins: i, levels: levels)
            if d < bestDivergence { best = i; bestDivergence = d }
        }
        return best
    }

    /// `D(i)` of the type's description: the divergence of clipping at `bins` bins and
    /// quantizing the kept range to `levels` levels. Requires `levels ≤ bins ≤ counts.count`.
    static func divergence(_ counts: [Int], bins i: Int, levels: Int) -> Double {
        var p = counts[0..<i].map(Double.init)
        p[i - 1] += Double(counts[i...].reduce(0, +))
        var total = [Int](repeating: 0, count: levels), nonEmpty = [Int](repeating: 0, count: levels)
        for k in 0..<i {
            let level = k * levels / i
            total[level] += counts[k]
            if p[k] != 0 { nonEmpty[level] += 1 }
        }
        var q = [Double](repeating: 0, count: i)
        for k in 0..<i where p[k] != 0 {
            let level = k * levels / i
            q[k] = Double(total[level]) / Double(nonEmpty[level])
        }
        guard let smoothP = smoothed(p), let smoothQ = smoothed(q) else { return .infinity }
        let sumP = smoothP.reduce(0, +), sumQ = smoothQ.reduce(0, +)
        var kl = 0.0
        for k in 0..<i where smoothP[k] > 0 {
            let pk = smoothP[k] / sumP, qk = smoothQ[k] / sumQ
            kl += pk * log(pk / qk)
        }
        return kl
    }

    /// Moves `smoothing` onto every empty bin, taken from the others in proportion to their
    /// counts (so every bin stays positive and the total is kept); `nil` when the bins hold
    /// less than that (no distribution to compare).
    private static func smoothed(_ h: [Double]) -> [Double]? {
        let total = h.reduce(0, +)
        let moved = smoothing * Double(h.reduce(0) { $0 + ($1 == 0 ? 1 : 0) })
        guard total > moved else { return nil }
        let keep = (total - moved) / total
        return h.map { $0 == 0 ? smoothing : $0 * keep }
    }
}
