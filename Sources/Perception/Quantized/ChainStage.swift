import Quant
import V2XCore

/// One backbone or neck layer of the encoder, each followed by ReLU, in int8 or fp32:
/// a 3×3 convolution (`Conv2D`), or the 2×2 stride-2 transposed convolution (`Upsample2x`).
///
/// The transposed convolution runs in int8 as a 1×1 convolution with `4 · Cout` outputs
/// (output channel `(dy·2 + dx)·Cout + co`, the layout of `Upsample2x.weight`'s columns,
/// bias repeated per tap) followed by the pixel shuffle that places tap `(dy, dx)` of input
/// cell `(y, x)` at output cell `(2y + dy, 2x + dx)`.
struct ChainStage: Sendable {
    enum Implementation: Sendable {
        case int8Convolution(Int8ConvolutionLayer)
        case fp32Convolution(Conv2D)
        /// The 1×1 convolution and `Cout`.
        case int8Upsample(Int8ConvolutionLayer, outputChannels: Int)
        case fp32Upsample(Upsample2x)
    }

    let name: String
    let implementation: Implementation
    /// The consumer's input quantization when the consumer runs int8 (u8 output), else `nil` (fp32 output).
    let outputQuantization: AffineQuantization?

    /// A convolution stage.
    /// - Parameter inputQuantization: the layer's input quantization for int8, `nil` to keep it fp32.
    /// - Throws: `V2XError` from quantizing the weights.
    init(name: String, convolution conv: Conv2D, inputQuantization: AffineQuantization?, outputQuantization: AffineQuantization?) throws {
        self.name = name
        self.outputQuantization = outputQuantization
        guard let inputQuantization else {
            implementation = .fp32Convolution(conv)
            return
        }
        implementation = .int8Convolution(try Int8ConvolutionLayer(
            weights: Self.transposed(conv.weight, rows: conv.columnsPerPixel, columns: conv.outChannels), bias: conv.bias,
            inputChannels: conv.inChannels, outputChannels: conv.outChannels, kernelSize: conv.kernel,
            stride: conv.stride, padding: conv.padding, inputQuantization: inputQuantization))
    }

    /// The upsampling stage.
    /// - Parameter inputQuantization: the layer's input quantization for int8, `nil` to keep it fp32.
    /// - Throws: `V2XError` from quantizing the weights.
    init(name: String, upsample: Upsample2x, inputQuantization: AffineQuantization?, outputQuantization: AffineQuantization?) throws {
        self.name = name
        self.outputQuantization = outputQuantization
        guard let inputQuantization else {
            implementation = .fp32Upsample(upsample)
            return
        }
        let cout = upsample.outChannels
        let layer = try Int8ConvolutionLayer(
            weights: Self.transposed(upsample.weight, rows: upsample.inChannels, columns: 4 * cout),
            bias: (0..<(4 * cout)).map { upsample.bias[$0 % cout] },
            inputChannels: upsample.inChannels, outputChannels: 4 * cout, kernelSize: 1, stride: 1, padding: 0,
            inputQuantization: inputQuantization)
        implementation = .int8Upsample(layer, outputChannels: cout)
    }

    /// Whether the layer runs on the int8 kernels.
    var isInt8: Bool {
        switch implementation {
        case .int8Convolution, .int8Upsample: true
        case .fp32Convolution, .fp32Upsample: false
        }
    }

    /// Runs the layer and its ReLU.
    func run(_ input: EncoderActivation) throws -> EncoderActivation {
        switch implementation {
        case .fp32Convolution(let conv):
            return try realOutput(conv.infer(input.real, rectified: true))
        case .fp32Upsample(let upsample):
            return try realOutput(ReLU.forward(upsample.forward(input.real).output))
        case .int8Convolution(let layer):
            let x = input.quantized(with: layer.inputQuantization)
            if let outputQuantization { return .quantized(try layer.forward(x, output: outputQuantization, relu: true)) }
            return .real(try layer.forwardDequantized(x, relu: true))
        case .int8Upsample(let layer, let cout):
            let taps = try layer.forwardDequantized(input.quantized(with: layer.inputQuantization), relu: true)
            return realOutput(Self.pixelShuffle(taps, outputChannels: cout))
        }
    }

    /// ``run(_:)`` for an input whose pixels outside `active` all hold the codes `background`,
    /// computing only the outputs a non-background pixel can reach; `nil` when this stage
    /// cannot (it is not an int8 convolution with a u8 output, or its input is not already
    /// in its quantization), and the caller runs it densely.
    func runSparse(_ input: EncoderActivation, active: ActivePixels, background: [UInt8]) throws
        -> (output: EncoderActivation, active: ActivePixels, background: [UInt8])? {
        guard case .int8Convolution(let layer) = implementation, let outputQuantization,
              case .quantized(let tensor) = input, tensor.quantization == layer.inputQuantization else { return nil }
        let result = try layer.forward(tensor, output: outputQuantization, relu: true, active: active, background: background)
        return (.quantized(result.output), result.active, result.background)
    }

    /// The layer's output before ReLU (and before any u8 output stage), fp32: what bias
    /// correction compares between precisions.
    func preActivation(_ input: EncoderActivation) throws -> FeatureMap {
        switch implementation {
        case .fp32Convolution(let conv):
            return try conv.infer(input.real, rectified: false)
        case .fp32Upsample(let upsample):
            return try upsample.forward(input.real).output
        case .int8Convolution(let layer):
            return try layer.forwardDequantized(input.quantized(with: layer.inputQuantization), relu: false)
        case .int8Upsample(let layer, let cout):
            return Self.pixelShuffle(try layer.forwardDequantized(input.quantized(with: layer.inputQuantization), relu: false), outputChannels: cout)
        }
    }

    /// `map` as this stage's output: quantized for an int8 consumer.
    private func realOutput(_ map: FeatureMap) -> EncoderActivation {
        guard let outputQuantization else { return .real(map) }
        return .quantized(QuantizedTensor(quantizing: map, with: outputQuantization))
    }

    /// `(H, W, 4·Cout)` taps → `(2H, 2W, Cout)`.
    static func pixelShuffle(_ taps: FeatureMap, outputChannels cout: Int) -> FeatureMap {
        let w = taps.width, n = 4 * cout
        var out = FeatureMap(height: 2 * taps.height, width: 2 * w, channels: cout)
        taps.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for y in 0..<taps.height {
                    for x in 0..<w {
                        let s = (y * w + x) * n
                        for tap in 0..<4 {
                            let d = ((2 * y + tap / 2) * 2 * w + 2 * x + tap % 2) * cout
                            for c in 0..<cout { dst[d + c] = src[s + tap * cout + c] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// `(rows, columns)` row-major → `(columns, rows)` row-major: the fp32 layers' `(K, Cout)`
    /// weight matrices to the int8 layers' `[Cout][K]`.
    static func transposed(_ m: [Float], rows: Int, columns: Int) -> [Float] {
        var t = [Float](repeating: 0, count: m.count)
        for r in 0..<rows {
            for c in 0..<columns { t[c * rows + r] = m[r * columns + c] }
        }
        return t
    }
}
