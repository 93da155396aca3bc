import Foundation
import V2XCore

/// The CenterPoint loss on the head output and its gradient.
///
/// `loss = focal(heatmap) + regressionWeight · L1(code at object centres)`, both divided by
/// the number of objects (at least 1):
/// - focal (CenterNet, α = 2, β = 4) with `p = σ(logit)`, target `t`:
///   `−(1−p)^α log p` where `t = 1`, `−(1−t)^β p^α log(1−p)` elsewhere;
/// - L1 over the 8 code channels at each of the targets' regression cells (an object's centre
///   and its neighbours), times the cell's weight.
/// Logs use the stable forms `log p = −softplus(−x)`, `log(1−p) = −softplus(x)`.
public struct DetectionLoss: Sendable, Equatable {
    public var alpha: Double = 2
    public var beta: Double = 4
    public var regressionWeight: Double = 0.25

    public init(regressionWeight: Double = 0.25) { self.regressionWeight = regressionWeight }

    /// Loss parts of one sample.
    public struct Value: Sendable, Equatable {
        public var heatmap: Double
        public var regression: Double
        public var total: Double { heatmap + regression }

        public init(heatmap: Double, regression: Double) { self.heatmap = heatmap; self.regression = regression }
    }

    /// The loss and `dLoss/dHead` shaped like `head` `(H, W, K+8)`.
    /// - Throws: `V2XError.shapeMismatch` when the head output and targets disagree.
    public func evaluate(head: FeatureMap, targets: DetectionTargets) throws -> (value: Value, gradient: FeatureMap) {
        let k = targets.heatmap.channels, channels = k + DetectorConfig.regressionChannels
        guard head.height == targets.heatmap.height, head.width == targets.heatmap.width, head.channels == channels else {
            throw V2XError(.shapeMismatch, "head \(head.height)×\(head.width)×\(head.channels) vs targets \(targets.heatmap.height)×\(targets.heatmap.width)×\(k)+8")
        }
        let normalizer = Double(max(1, targets.centers.count))
        var gradient = FeatureMap(height: head.height, width: head.width, channels: channels)
        var focal = 0.0
        let cells = head.height * head.width
        head.values.withUnsafeBufferPointer { logits in
            targets.heatmap.values.withUnsafeBufferPointer { t in
                gradient.values.withUnsafeMutableBufferPointer { g in
                    for cell in 0..<cells {
                        for cls in 0..<k {
                            let x = Double(logits[cell * channels + cls])
                            let target = Double(t[cell * k + cls])
                            let p = 1 / (1 + exp(-x))
                            let logP = -softplus(-x), log1mP = -softplus(x)
                            let l: Double, d: Double
                            if target >= 1 {
                                let q = pow(1 - p, alpha)
                                l = -q * logP
                                d = q * (alpha * p * logP - (1 - p))
                            } else {
                                let wNeg = pow(1 - target, beta), pa = pow(p, alpha)
                                l = -wNeg * pa * log1mP
                                d = wNeg * pa * (p - alpha * (1 - p) * log1mP)
                            }
                            focal += l
                            g[cell * channels + cls] = Float(d / normalizer)
                        }
                    }
                }
            }
        }
        var l1 = 0.0
        for cell in targets.regressionCells {
            let base = (cell.row * head.width + cell.column) * channels + k
            let weight = Double(cell.weight)
            for j in 0..<DetectorConfig.regressionChannels {
                let diff = Double(head.values[base + j]) - Double(cell.code[j])
                l1 += weight * abs(diff)
                let sign: Double = diff > 0 ? 1 : (diff < 0 ? -1 : 0)
                gradient.values[base + j] += Float(regressionWeight * weight * sign / normalizer)
            }
        }
        return (Value(heatmap: focal / normalizer, regression: regressionWeight * l1 / normalizer), gradient)
    }

    private func softplus(_ x: Double) -> Double { x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)) }
}
