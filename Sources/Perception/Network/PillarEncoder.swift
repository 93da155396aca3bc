import V2XCore

/// The learned pillar encoder: a shared linear layer on every point's 9 features, ReLU,
/// max over the points of each pillar, scattered into a dense BEV map.
///
/// Shapes and layouts:
/// - `weight`: `(9, C)` row-major; `bias`: `(C)`
/// - per-point activations `A = ReLU(F · weight + bias)`: `(N, C)`
/// - pillar features `Pmax[p, c] = max_{points i of p} A[i, c]`: `(P, C)`
/// - output: `(H, W, C)` channels-last, zero where no pillar
///
/// Backward routes each pillar/channel gradient to the point that attained the max (the
/// first one on ties; none when the max is 0, where ReLU's gradient is 0 anyway).
public struct PillarEncoder: Sendable, Equatable {
    public let outChannels: Int
    /// `(9, outChannels)` row-major.
    public var weight: [Float]
    /// `(outChannels)`.
    public var bias: [Float]

    /// What `backward` needs: the inputs and, per pillar and channel, the winning point.
    public struct Cache: Sendable {
        let pillars: Pillars
        /// `(P, C)`: index of the point that attained the max, or -1.
        let argmax: [Int32]
    }

    /// Parameter gradients, shaped like `weight` and `bias`.
    public struct Gradients: Sendable {
        public var weight: [Float]
        public var bias: [Float]
    }

    /// An encoder with He-normal weights and zero bias.
    public init<G: RandomNumberGenerator>(outChannels: Int, using rng: inout G) {
        let std = Float((2.0 / Double(Pillars.featureCount)).squareRoot())
        self.outChannels = outChannels
        weight = (0..<Pillars.featureCount * outChannels).map { _ in Gaussian.sample(using: &rng) * std }
        bias = [Float](repeating: 0, count: outChannels)
    }

    /// An encoder with given parameters.
    /// - Throws: `V2XError.shapeMismatch` when the arrays do not match `outChannels`.
    public init(outChannels: Int, weight: [Float], bias: [Float]) throws {
        guard outChannels > 0, weight.count == Pillars.featureCount * outChannels, bias.count == outChannels else {
            throw V2XError(.shapeMismatch, "pillar encoder with \(outChannels) channels needs weight \(Pillars.featureCount * outChannels) and bias \(outChannels) values, got \(weight.count) and \(bias.count)")
        }
        self.outChannels = outChannels; self.weight = weight; self.bias = bias
    }

    /// Encodes and scatters.
    public func forward(_ pillars: Pillars) throws -> (output: FeatureMap, cache: Cache) {
        let n = pillars.pointCount, c = outChannels
        var map = FeatureMap(height: pillars.gridHeight, width: pillars.gridWidth, channels: c)
        var argmax = [Int32](repeating: -1, count: pillars.pillarCount * c)
        guard n > 0 else { return (map, Cache(pillars: pillars, argmax: argmax)) }
        var activations = [Float](repeating: 0, count: n * c)
        activations.withUnsafeMutableBufferPointer { a in
            for i in 0..<n {
                for j in 0..<c { a[i * c + j] = bias[j] }
            }
        }
        try Sgemm.multiply(m: n, n: c, k: Pillars.featureCount, a: pillars.pointFeatures, b: weight, c: &activations, beta: 1)
        activations.withUnsafeBufferPointer { a in
            map.values.withUnsafeMutableBufferPointer { out in
                argmax.withUnsafeMutableBufferPointer { arg in
                    for i in 0..<n {
                        let p = Int(pillars.pointPillar[i])
                        let base = Int(pillars.pillarCells[p]) * c
                        for j in 0..<c {
                            // The map starts at 0, so this is max(0, max_i A) = max_i ReLU(A).
                            let v = a[i * c + j]
                            if v > out[base + j] {
                                out[base + j] = v
                                arg[p * c + j] = Int32(i)
                            }
                        }
                    }
                }
            }
        }
        return (map, Cache(pillars: pillars, argmax: argmax))
    }

    /// Parameter gradients given `dY`, the gradient with respect to the scattered map.
    /// - Throws: `V2XError.shapeMismatch` when `dY` is not the forward output's shape.
    public func backward(_ dY: FeatureMap, cache: Cache) throws -> Gradients {
        let pillars = cache.pillars, c = outChannels, n = pillars.pointCount
        guard dY.height == pillars.gridHeight, dY.width == pillars.gridWidth, dY.channels == c else {
            throw V2XError(.shapeMismatch, "pillar map gradient \(dY.height)×\(dY.width)×\(dY.channels), expected \(pillars.gridHeight)×\(pillars.gridWidth)×\(c)")
        }
        var dWeight = [Float](repeating: 0, count: Pillars.featureCount * c)
        var dBias = [Float](repeating: 0, count: c)
        guard n > 0 else { return Gradients(weight: dWeight, bias: dBias) }
        var dA = [Float](repeating: 0, count: n * c)
        for p in 0..<pillars.pillarCount {
            let base = Int(pillars.pillarCells[p]) * c
            for j in 0..<c {
                let i = Int(cache.argmax[p * c + j])
                guard i >= 0 else { continue }
                dA[i * c + j] += dY.values[base + j]
                dBias[j] += dY.values[base + j]
            }
        }
        try Sgemm.multiply(m: Pillars.featureCount, n: c, k: n, a: pillars.pointFeatures, transposeA: true, b: dA, c: &dWeight)
        return Gradients(weight: dWeight, bias: dBias)
    }
}
