import Foundation
import V2XCore

/// Adam with decoupled weight decay (AdamW, Loshchilov & Hutter):
///
/// ```
/// m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
/// θ ← θ − lr·( m̂ / (√v̂ + ε) + λ·θ )      m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
/// ```
/// Decay applies to weights only (tensors of rank ≥ 2), not biases. Gradients are clipped
/// to a global L2 norm of `clipNorm` first.
public struct AdamW: Sendable, Equatable {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    public var weightDecay: Float
    public var clipNorm: Float
    /// Steps taken so far.
    public private(set) var step: Int = 0
    /// First and second moments, one array per parameter tensor.
    public private(set) var m: [[Float]]
    public private(set) var v: [[Float]]

    /// An optimizer for parameters of the given sizes.
    public init(sizes: [Int], weightDecay: Float = 0.01, clipNorm: Float = 10) {
        self.weightDecay = weightDecay
        self.clipNorm = clipNorm
        m = sizes.map { [Float](repeating: 0, count: $0) }
        v = sizes.map { [Float](repeating: 0, count: $0) }
    }

    /// Restores saved state.
    /// - Throws: `V2XError.shapeMismatch` when the moment arrays do not match `sizes`.
    public init(sizes: [Int], step: Int, m: [[Float]], v: [[Float]], weightDecay: Float = 0.01, clipNorm: Float = 10) throws {
        guard step >= 0, m.map(\.count) == sizes, v.map(\.count) == sizes else {
            throw V2XError(.shapeMismatch, "optimizer state does not match the model's parameters")
        }
        self.weightDecay = weightDecay; self.clipNorm = clipNorm
        self.step = step; self.m = m; self.v = v
    }

    /// One update of `parameters` (with `decays[i]` saying whether tensor `i` is decayed).
    /// - Returns: the gradient norm before clipping.
    /// - Throws: `V2XError.shapeMismatch` on mismatched sizes, `.nonFiniteValue` for a NaN/inf gradient (nothing is changed then).
    @discardableResult
    public mutating func update(_ parameters: inout [[Float]], gradients: [[Float]], decays: [Bool], learningRate: Float) throws -> Float {
        guard parameters.count == m.count, gradients.count == m.count, decays.count == m.count,
              zip(parameters, gradients).allSatisfy({ $0.count == $1.count }), zip(parameters, m).allSatisfy({ $0.count == $1.count }) else {
            throw V2XError(.shapeMismatch, "optimizer, parameter and gradient lists do not match")
        }
        var sq: Double = 0
        for g in gradients { for x in g { sq += Double(x) * Double(x) } }
        let norm = Float(sq.squareRoot())
        guard norm.isFinite else { throw V2XError(.nonFiniteValue, "gradient norm is \(norm)") }
        let scale = norm > clipNorm ? clipNorm / norm : 1
        step += 1
        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
        for t in parameters.indices {
            let decay = decays[t] ? weightDecay : 0
            let g = gradients[t]
            m[t].withUnsafeMutableBufferPointer { mt in
                v[t].withUnsafeMutableBufferPointer { vt in
                    parameters[t].withUnsafeMutableBufferPointer { p in
                        for i in p.indices {
                            let gi = g[i] * scale
                            mt[i] = beta1 * mt[i] + (1 - beta1) * gi
                            vt[i] = beta2 * vt[i] + (1 - beta2) * gi * gi
                            let update = (mt[i] / c1) / ((vt[i] / c2).squareRoot() + epsilon)
                            p[i] -= learningRate * (update + decay * p[i])
                        }
                    }
                }
            }
        }
        return norm
    }
}
