import V2XCore

/// A 2×2, stride-2 transposed convolution (learned ×2 upsampling), lowered to one sgemm
/// plus a pixel shuffle.
///
/// Shapes and layouts:
/// - input: `(H, W, Cin)` channels-last
/// - `weight`: `(Cin, 4·Cout)` row-major; column `(dy·2 + dx)·Cout + co`
/// - `bias`: `(Cout)`
/// - output: `(2H, 2W, Cout)`; `out[2y+dy, 2x+dx, co] = Σ_ci x[y, x, ci]·weight[ci, (dy·2+dx)·Cout+co] + bias[co]`
public struct Upsample2x: Sendable, Equatable {
    public let inChannels: Int
    public let outChannels: Int
    /// `(inChannels, 4·outChannels)` row-major.
    public var weight: [Float]
    /// `(outChannels)`.
    public var bias: [Float]

    /// What `backward` needs: the input values and shape.
    public struct Cache: Sendable {
        let input: FeatureMap
    }

    /// Parameter gradients, shaped like `weight` and `bias`.
    public struct Gradients: Sendable {
        public var weight: [Float]
        public var bias: [Float]
    }

    /// A layer with He-normal weights and zero bias.
    public init<G: RandomNumberGenerator>(inChannels: Int, outChannels: Int, using rng: inout G) {
        let std = Float((2.0 / Double(max(1, inChannels))).squareRoot())
        self.inChannels = inChannels
        self.outChannels = outChannels
        weight = (0..<inChannels * 4 * outChannels).map { _ in Gaussian.sample(using: &rng) * std }
        bias = [Float](repeating: 0, count: outChannels)
    }

    /// A layer with given parameters.
    /// - Throws: `V2XError.shapeMismatch` when the arrays do not match the shape.
    public init(inChannels: Int, outChannels: Int, weight: [Float], bias: [Float]) throws {
        guard inChannels > 0, outChannels > 0 else {
            throw V2XError(.invalidArgument, "upsampling Cin \(inChannels) Cout \(outChannels)")
        }
        guard weight.count == inChannels * 4 * outChannels, bias.count == outChannels else {
            throw V2XError(.shapeMismatch, "upsampling needs weight \(inChannels * 4 * outChannels) and bias \(outChannels) values, got \(weight.count) and \(bias.count)")
        }
        self.inChannels = inChannels; self.outChannels = outChannels
        self.weight = weight; self.bias = bias
    }

    /// Runs the layer.
    /// - Throws: `V2XError.shapeMismatch` on a wrong channel count.
    public func forward(_ x: FeatureMap) throws -> (output: FeatureMap, cache: Cache) {
        guard x.channels == inChannels else {
            throw V2XError(.shapeMismatch, "upsampling expects \(inChannels) channels, got \(x.channels)")
        }
        let pixels = x.height * x.width, n = 4 * outChannels
        var shuffled = [Float](repeating: 0, count: pixels * n)
        try Sgemm.multiply(m: pixels, n: n, k: inChannels, a: x.values, b: weight, c: &shuffled)
        var out = FeatureMap(height: 2 * x.height, width: 2 * x.width, channels: outChannels)
        let cout = outChannels, w = x.width
        shuffled.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for y in 0..<x.height {
                    for xx in 0..<w {
                        let s = (y * w + xx) * n
                        for tap in 0..<4 {
                            let d = ((2 * y + tap / 2) * 2 * w + 2 * xx + tap % 2) * cout
                            for c in 0..<cout { dst[d + c] = src[s + tap * cout + c] + bias[c] }
                        }
                    }
                }
            }
        }
        return (out, Cache(input: x))
    }

    /// Gradients given `dY` of shape `(2H, 2W, Cout)`.
    public func backward(_ dY: FeatureMap, cache: Cache) throws -> (inputGradient: FeatureMap, gradients: Gradients) {
        let x = cache.input
        guard dY.height == 2 * x.height, dY.width == 2 * x.width, dY.channels == outChannels else {
            throw V2XError(.shapeMismatch, "upsampling output gradient \(dY.height)×\(dY.width)×\(dY.channels), expected \(2 * x.height)×\(2 * x.width)×\(outChannels)")
        }
        let pixels = x.height * x.width, n = 4 * outChannels, cout = outChannels, w = x.width
        var gathered = [Float](repeating: 0, count: pixels * n)
        var dBias = [Float](repeating: 0, count: cout)
        dY.values.withUnsafeBufferPointer { src in
            gathered.withUnsafeMutableBufferPointer { dst in
                for y in 0..<x.height {
                    for xx in 0..<w {
                        let d = (y * w + xx) * n
                        for tap in 0..<4 {
                            let s = ((2 * y + tap / 2) * 2 * w + 2 * xx + tap % 2) * cout
                            for c in 0..<cout {
                                dst[d + tap * cout + c] = src[s + c]
                                dBias[c] += src[s + c]
                            }
                        }
                    }
                }
            }
        }
        var dWeight = [Float](repeating: 0, count: inChannels * n)
        try Sgemm.multiply(m: inChannels, n: n, k: pixels, a: x.values, transposeA: true, b: gathered, c: &dWeight)
        var dX = [Float](repeating: 0, count: pixels * inChannels)
        try Sgemm.multiply(m: pixels, n: inChannels, k: n, a: gathered, b: weight, transposeB: true, c: &dX)
        return (try FeatureMap(height: x.height, width: x.width, channels: inChannels, values: dX),
                Gradients(weight: dWeight, bias: dBias))
    }
}
