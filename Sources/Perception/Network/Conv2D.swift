import V2XCore

/// A 2D convolution over a channels-last map, lowered to one `cblas_sgemm` by im2col.
///
/// Shapes and layouts:
/// - input `x`: `(H, W, Cin)` channels-last (`FeatureMap`)
/// - `weight`: `(k·k·Cin, Cout)` row-major; row `(ky·k + kx)·Cin + ci`, column `co`
/// - `bias`: `(Cout)`
/// - output: `(Ho, Wo, Cout)` with `Ho = (H + 2·padding − k) / stride + 1` (same for `Wo`)
///
/// Forward: `cols (Ho·Wo, k·k·Cin) · weight + bias`. Backward:
/// `dWeight = colsᵀ · dY`, `dBias = Σ_rows dY`, `dCols = dY · weightᵀ`, then col2im
/// scatters `dCols` back onto the input. A 1×1, stride-1 convolution skips im2col
/// (the input already is the column matrix).
public struct Conv2D: Sendable, Equatable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    /// `(kernel·kernel·inChannels, outChannels)` row-major.
    public var weight: [Float]
    /// `(outChannels)`.
    public var bias: [Float]

    /// What `backward` needs from `forward`: the column matrix and the input shape.
    public struct Cache: Sendable {
        let inputHeight: Int
        let inputWidth: Int
        /// `(Ho·Wo, k·k·Cin)`; the input values themselves for a 1×1 stride-1 layer.
        let columns: [Float]
    }

    /// Parameter gradients of one backward pass, shaped like `weight` and `bias`.
    public struct Gradients: Sendable {
        public var weight: [Float]
        public var bias: [Float]
    }

    /// A layer with He-normal weights (for a following ReLU) and zero bias.
    public init<G: RandomNumberGenerator>(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil, using rng: inout G
    ) {
        let fanIn = kernel * kernel * inChannels
        let std = Float((2.0 / Double(max(1, fanIn))).squareRoot())
        let weight = (0..<fanIn * outChannels).map { _ in Gaussian.sample(using: &rng) * std }
        // Shapes are built from the caller's own constants here; `validate` re-checks them.
        self.init(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
            padding: padding ?? kernel / 2, weight: weight, bias: [Float](repeating: 0, count: outChannels), unchecked: ()
        )
    }

    /// A layer with given parameters.
    /// - Throws: `V2XError.shapeMismatch` when the arrays do not match the shape, `.invalidArgument` for bad sizes.
    public init(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, weight: [Float], bias: [Float]
    ) throws {
        guard inChannels > 0, outChannels > 0, kernel > 0, stride > 0, padding >= 0, padding < kernel else {
            throw V2XError(.invalidArgument, "convolution Cin \(inChannels) Cout \(outChannels) k \(kernel) stride \(stride) padding \(padding)")
        }
        guard weight.count == kernel * kernel * inChannels * outChannels, bias.count == outChannels else {
            throw V2XError(.shapeMismatch, "convolution needs weight \(kernel * kernel * inChannels * outChannels) and bias \(outChannels) values, got \(weight.count) and \(bias.count)")
        }
        self.init(inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding, weight: weight, bias: bias, unchecked: ())
    }

    private init(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, weight: [Float], bias: [Float], unchecked: Void
    ) {
        self.inChannels = inChannels; self.outChannels = outChannels
        self.kernel = kernel; self.stride = stride; self.padding = padding
        self.weight = weight; self.bias = bias
    }

    /// Rows of the weight matrix: `k·k·Cin`.
    public var columnsPerPixel: Int { kernel * kernel * inChannels }

    /// Output size along one axis for an input of `n` cells.
    public func outputSize(_ n: Int) -> Int { (n + 2 * padding - kernel) / stride + 1 }

    private var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    /// Runs the layer.
    /// - Throws: `V2XError.shapeMismatch` when the input has the wrong channel count or is too small.
    public func forward(_ x: FeatureMap) throws -> (output: FeatureMap, cache: Cache) {
        guard x.channels == inChannels else {
            throw V2XError(.shapeMismatch, "convolution expects \(inChannels) input channels, got \(x.channels)")
        }
        let ho = outputSize(x.height), wo = outputSize(x.width)
        guard ho > 0, wo > 0 else {
            throw V2XError(.shapeMismatch, "input \(x.height)×\(x.width) is smaller than the \(kernel)×\(kernel) kernel")
        }
        let columns = isPointwise ? x.values : im2col(x, outputHeight: ho, outputWidth: wo)
        var y = [Float](repeating: 0, count: ho * wo * outChannels)
        y.withUnsafeMutableBufferPointer { out in
            for row in 0..<(ho * wo) {
                for c in 0..<outChannels { out[row * outChannels + c] = bias[c] }
            }
        }
        try Sgemm.multiply(
            m: ho * wo, n: outChannels, k: columnsPerPixel, a: columns, b: weight, c: &y, beta: 1
        )
        return (try FeatureMap(height: ho, width: wo, channels: outChannels, values: y),
                Cache(inputHeight: x.height, inputWidth: x.width, columns: columns))
    }

    /// Gradients of a scalar loss given `dY`, its gradient with respect to the output.
    /// - Parameter needInputGradient: false for a first layer whose input is data.
    /// - Returns: `dX` shaped like the forward input (empty map when not needed) and the parameter gradients.
    public func backward(
        _ dY: FeatureMap, cache: Cache, needInputGradient: Bool = true
    ) throws -> (inputGradient: FeatureMap, gradients: Gradients) {
        let ho = outputSize(cache.inputHeight), wo = outputSize(cache.inputWidth)
        guard dY.height == ho, dY.width == wo, dY.channels == outChannels else {
            throw V2XError(.shapeMismatch, "output gradient \(dY.height)×\(dY.width)×\(dY.channels), expected \(ho)×\(wo)×\(outChannels)")
        }
        let m = ho * wo, k = columnsPerPixel
        var dWeight = [Float](repeating: 0, count: k * outChannels)
        try Sgemm.multiply(m: k, n: outChannels, k: m, a: cache.columns, transposeA: true, b: dY.values, c: &dWeight)
        var dBias = [Float](repeating: 0, count: outChannels)
        dY.values.withUnsafeBufferPointer { g in
            for row in 0..<m {
                for c in 0..<outChannels { dBias[c] += g[row * outChannels + c] }
            }
        }
        let grads = Gradients(weight: dWeight, bias: dBias)
        guard needInputGradient else { return (FeatureMap(height: 0, width: 0, channels: 0), grads) }
        var dColumns = [Float](repeating: 0, count: m * k)
        try Sgemm.multiply(m: m, n: k, k: outChannels, a: dY.values, b: weight, transposeB: true, c: &dColumns)
        if isPointwise {
            return (try FeatureMap(height: ho, width: wo, channels: inChannels, values: dColumns), grads)
        }
        return (col2im(dColumns, height: cache.inputHeight, width: cache.inputWidth, outputHeight: ho, outputWidth: wo), grads)
    }

    /// `(Ho·Wo, k·k·Cin)`: row `oy·Wo + ox` holds the receptive field of that output cell,
    /// `Cin` contiguous values per kernel tap, zeros where the tap falls in the padding.
    func im2col(_ x: FeatureMap, outputHeight ho: Int, outputWidth wo: Int) -> [Float] {
        let cin = inChannels, k = columnsPerPixel
        var cols = [Float](repeating: 0, count: ho * wo * k)
        x.values.withUnsafeBufferPointer { src in
            cols.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let rowBase = (oy * wo + ox) * k
                        for ky in 0..<kernel {
                            let iy = oy * stride - padding + ky
                            guard iy >= 0, iy < x.height else { continue }
                            for kx in 0..<kernel {
                                let ix = ox * stride - padding + kx
                                guard ix >= 0, ix < x.width else { continue }
                                let s = (iy * x.width + ix) * cin
                                let d = rowBase + (ky * kernel + kx) * cin
                                // iy, ix are inside the map and d + cin <= rowBase + k, so both ranges are in bounds.
                                (dst.baseAddress! + d).update(from: src.baseAddress! + s, count: cin)
                            }
                        }
                    }
                }
            }
        }
        return cols
    }

    /// The adjoint of `im2col`: adds each column entry back onto the input cell it was read from.
    func col2im(_ cols: [Float], height: Int, width: Int, outputHeight ho: Int, outputWidth wo: Int) -> FeatureMap {
        let cin = inChannels, k = columnsPerPixel
        var dx = FeatureMap(height: height, width: width, channels: cin)
        cols.withUnsafeBufferPointer { src in
            dx.values.withUnsafeMutableBufferPointer { dst in
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let rowBase = (oy * wo + ox) * k
                        for ky in 0..<kernel {
                            let iy = oy * stride - padding + ky
                            guard iy >= 0, iy < height else { continue }
                            for kx in 0..<kernel {
                                let ix = ox * stride - padding + kx
                                guard ix >= 0, ix < width else { continue }
                                let d = (iy * width + ix) * cin
                                let s = rowBase + (ky * kernel + kx) * cin
                                for c in 0..<cin { dst[d + c] += src[s + c] }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
