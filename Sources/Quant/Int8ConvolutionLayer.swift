import QuantKernels
import V2XCore

/// A 2-D convolution on u8 activations and s8 weights with s32 accumulation, requantized
/// per output channel. Square kernel, equal stride and zero padding on both axes.
///
/// ## Quantization
/// Input `x ≈ sx · (qx − zx)` (per tensor, u8), weights `w ≈ sw[o] · qw` (per output
/// channel, symmetric s8), bias `b ≈ sx · sw[o] · qb` (s32). The kernel computes
///
///     acc[o] = qb[o] − zx · Σ qw[o]  +  Σ_{ky,kx,i} qx(y, x, i) · qw[o][ky][kx][i]
///            = qb[o] + Σ (qx − zx) · qw        (the real output is sx · sw[o] · acc[o])
///
/// with padding taps read as `qx = zx` (real 0). The zero-point term is folded into the
/// bias once, at construction. Output stages:
///
///     u8:  qy = clamp(rne(float(acc) · M[o]) + zy, relu ? zy : 0, 255),  M[o] = sx · sw[o] / sy
///     f32: y  = float(acc) · sx · sw[o]          (then max(y, 0) with ReLU)
///     s32: acc                                   (then max(acc, 0) with ReLU)
///
/// `rne` is round half to even; `float(acc)` and the product are binary32 operations with
/// round to nearest even, so `float(acc)` is exact for |acc| ≤ 2^24. `M[o]` is computed in
/// Double and rounded to Float once.
///
/// ## Shapes
/// ```
/// input   [H][W][Cin]  u8, NHWC          weights [Cout][k][k][Cin] (OHWI)
/// output  [Ho][Wo][Cout],  Ho = ⌊(H + 2·pad − k) / stride⌋ + 1  (same for Wo)
/// ```
/// The weights are packed once, at construction, into the layout every ISA path reads
/// (see `v2x_conv_packed_size`: blocks of 16 output channels × groups of 4 input channels).
public struct Int8ConvolutionLayer: Sendable {
    public let inputChannels: Int
    public let outputChannels: Int
    /// Kernel height and width.
    public let kernelSize: Int
    public let stride: Int
    /// Zero padding (in real values; `zx` in codes) on every side.
    public let padding: Int
    /// The quantization the input must use (`sx`, `zx`).
    public let inputQuantization: AffineQuantization
    /// `sw[o]`, one per output channel.
    public let weightScales: [Float]
    /// `qw`, `[Cout][k][k][Cin]`.
    public let quantizedWeights: [Int8]
    /// `qb`, one per output channel, in units of `sx · sw[o]`.
    public let quantizedBias: [Int32]

    /// `qb[o] − zx · Σ qw[o]`.
    let effectiveBias: [Int32]
    /// `v2x_conv_pack_weights` output.
    let packedWeights: [Int8]
    /// `Cin` copies of `zx`, read for taps outside the input.
    let paddingRow: [UInt8]

    /// Quantizes fp32 weights and bias.
    ///
    /// Weights: `qw = clamp(rne(w / sw[o]), −128, 127)` with, unless given,
    /// `sw[o] = max|w[o]| / 127` (1 for an all-zero channel). Bias: `qb = rne(b / (sx · sw[o]))`
    /// computed in Double.
    /// - Parameters:
    ///   - weights: `[Cout][k][k][Cin]` fp32.
    ///   - bias: `Cout` fp32.
    ///   - weightScales: `Cout` finite positive scales, or `nil` for max-abs scales.
    /// - Throws: `V2XError.shapeMismatch` for wrong counts, `.nonFiniteValue` for NaN or
    ///   infinite weights or bias, `.invalidArgument` for bad geometry, scales, or a bias
    ///   too large for the s32 accumulator.
    public init(
        weights: [Float], bias: [Float],
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int,
        inputQuantization: AffineQuantization, weightScales: [Float]? = nil
    ) throws {
        try Self.checkGeometry(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize, stride: stride, padding: padding)
        let perChannel = kernelSize * kernelSize * inputChannels
        guard weights.count == outputChannels * perChannel, bias.count == outputChannels else {
            throw V2XError(.shapeMismatch, "convolution \(outputChannels)×\(kernelSize)×\(kernelSize)×\(inputChannels) needs \(outputChannels * perChannel) weights and \(outputChannels) biases, got \(weights.count) and \(bias.count)")
        }
        guard weights.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite) else {
            throw V2XError(.nonFiniteValue, "convolution weights or bias contain NaN or infinity")
        }
        let scales = weightScales ?? (0..<outputChannels).map { o in
            let maxAbs = weights[(o * perChannel)..<((o + 1) * perChannel)].reduce(Float(0)) { Swift.max($0, abs($1)) }
            return maxAbs > 0 ? maxAbs / 127 : 1
        }
        try Self.checkScales(scales, count: outputChannels)
        var qw = [Int8](repeating: 0, count: weights.count)
        for o in 0..<outputChannels {
            for k in 0..<perChannel {
                let q = (weights[o * perChannel + k] / scales[o]).rounded(.toNearestOrEven)
                qw[o * perChannel + k] = Int8(Swift.min(127, Swift.max(-128, q)))
            }
        }
        var qb = [Int32](repeating: 0, count: outputChannels)
        for o in 0..<outputChannels {
            let q = (Double(bias[o]) / (Double(inputQuantization.scale) * Double(scales[o]))).rounded(.toNearestOrEven)
            guard abs(q) <= Double(Int32.max) else {
                throw V2XError(.invalidArgument, "bias \(bias[o]) of output channel \(o) is \(q) accumulator units, beyond s32")
            }
            qb[o] = Int32(q)
        }
        try self.init(
            quantizedWeights: qw, quantizedBias: qb, weightScales: scales,
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
            stride: stride, padding: padding, inputQuantization: inputQuantization)
    }

    /// Uses already quantized weights and bias as they are.
    /// - Parameters:
    ///   - quantizedWeights: `qw`, `[Cout][k][k][Cin]`.
    ///   - quantizedBias: `qb`, `Cout` values in units of `sx · sw[o]`.
    /// - Throws: `V2XError.shapeMismatch` for wrong counts, `.invalidArgument` for bad geometry
    ///   or scales, or when `|qb − zx · Σ qw| + k² · Cin · 255 · 128` could overflow s32.
    public init(
        quantizedWeights: [Int8], quantizedBias: [Int32], weightScales: [Float],
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int,
        inputQuantization: AffineQuantization
    ) throws {
        try Self.checkGeometry(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize, stride: stride, padding: padding)
        let taps = kernelSize * kernelSize
        let perChannel = taps * inputChannels
        guard quantizedWeights.count == outputChannels * perChannel, quantizedBias.count == outputChannels else {
            throw V2XError(.shapeMismatch, "convolution \(outputChannels)×\(kernelSize)×\(kernelSize)×\(inputChannels) needs \(outputChannels * perChannel) weights and \(outputChannels) biases, got \(quantizedWeights.count) and \(quantizedBias.count)")
        }
        try Self.checkScales(weightScales, count: outputChannels)
        let maxAbsBias = v2x_conv_max_abs_bias(Int64(taps), Int64(inputChannels))
        guard maxAbsBias >= 0 else {
            throw V2XError(.invalidArgument, "\(perChannel) products per output can overflow the s32 accumulator")
        }
        let zx = Int64(inputQuantization.zeroPoint)
        var effective = [Int32](repeating: 0, count: outputChannels)
        for o in 0..<outputChannels {
            let sum = quantizedWeights[(o * perChannel)..<((o + 1) * perChannel)].reduce(Int64(0)) { $0 + Int64($1) }
            let b = Int64(quantizedBias[o]) - zx * sum
            guard abs(b) <= maxAbsBias else {
                throw V2XError(.invalidArgument, "bias of output channel \(o) (\(b) after the zero-point correction) leaves no room in the s32 accumulator; limit ±\(maxAbsBias)")
            }
            effective[o] = Int32(b)
        }
        let packedCount = Int(v2x_conv_packed_size(Int32(outputChannels), Int32(taps), Int32(inputChannels)))
        var packed = [Int8](repeating: 0, count: packedCount)
        // Both buffers hold exactly the counts checked above.
        let status = quantizedWeights.withUnsafeBufferPointer { w in
            packed.withUnsafeMutableBufferPointer { p in
                v2x_conv_pack_weights(w.baseAddress, Int32(outputChannels), Int32(taps), Int32(inputChannels), p.baseAddress)
            }
        }
        try KernelStatus.check(status, operation: "packing convolution weights")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.inputQuantization = inputQuantization
        self.weightScales = weightScales
        self.quantizedWeights = quantizedWeights
        self.quantizedBias = quantizedBias
        effectiveBias = effective
        packedWeights = packed
        paddingRow = [UInt8](repeating: UInt8(inputQuantization.zeroPoint), count: inputChannels)
    }

    /// `(Ho, Wo)` for an `height × width` input.
    /// - Throws: `V2XError.shapeMismatch` when the padded input is smaller than the kernel.
    public func outputSize(height: Int, width: Int) throws -> (height: Int, width: Int) {
        let h = height + 2 * padding - kernelSize, w = width + 2 * padding - kernelSize
        guard height > 0, width > 0, h >= 0, w >= 0 else {
            throw V2XError(.shapeMismatch, "input \(height)×\(width) with padding \(padding) is smaller than the \(kernelSize)×\(kernelSize) kernel")
        }
        return (h / stride + 1, w / stride + 1)
    }

    /// Runs the layer with a u8 output stage.
    /// - Parameters:
    ///   - input: `[H][W][Cin]`, quantized with ``inputQuantization``.
    ///   - output: the output quantization (`sy`, `zy`).
    ///   - relu: clamp at `zy` (real 0) as well.
    ///   - isa: the kernel path; `nil` for ``KernelISA/selected(environment:)``.
    ///   - threads: how many threads share the output pixels; `nil` for every core.
    /// - Throws: `V2XError.shapeMismatch` or `.invalidArgument` for an input that does not fit,
    ///   an unsupported `isa`, or multipliers `sx · sw[o] / sy` that are not finite and > 0.
    public func forward(
        _ input: QuantizedTensor, output: AffineQuantization, relu: Bool,
        isa: KernelISA? = nil, threads: Int? = nil
    ) throws -> QuantizedTensor {
        let multipliers = weightScales.map { Float(Double(inputQuantization.scale) * Double($0) / Double(output.scale)) }
        let (h, w, values) = try run(
            input, element: UInt8.self, kind: Int32(V2X_OUTPUT_U8), multipliers: multipliers,
            outputZeroPoint: output.zeroPoint, relu: relu, isa: isa, threads: threads)
        return try QuantizedTensor(height: h, width: w, channels: outputChannels, values: values, quantization: output)
    }

    /// Runs the layer with a u8 output stage into `result`, reusing its storage when it
    /// already has `Ho · Wo · Cout` codes (no allocation per call; for per-frame buffers).
    /// - Throws: as ``forward(_:output:relu:isa:threads:)``.
    public func forward(
        _ input: QuantizedTensor, output: AffineQuantization, relu: Bool, into result: inout QuantizedTensor,
        isa: KernelISA? = nil, threads: Int? = nil
    ) throws {
        try forward(input, output: output, relu: relu, into: &result, isa: isa, threads: threads, reshapeInputTo: nil)
    }

    /// ``forward(_:output:relu:into:isa:threads:)`` with the input viewed as `shape` (the linear layer's rows).
    func forward(
        _ input: QuantizedTensor, output: AffineQuantization, relu: Bool, into result: inout QuantizedTensor,
        isa: KernelISA?, threads: Int?, reshapeInputTo shape: (height: Int, width: Int)?
    ) throws {
        let view = shape ?? (input.height, input.width)
        let (h, w) = try outputSize(height: view.height, width: view.width)
        let (resultHeight, resultWidth) = shape == nil ? (h, w) : (input.height, input.width)
        if result.height != resultHeight || result.width != resultWidth || result.channels != outputChannels || result.quantization != output {
            let storage = result.values.count == h * w * outputChannels ? result.values : [UInt8](repeating: 0, count: h * w * outputChannels)
            result = try QuantizedTensor(height: resultHeight, width: resultWidth, channels: outputChannels, values: storage, quantization: output)
        }
        let multipliers = weightScales.map { Float(Double(inputQuantization.scale) * Double($0) / Double(output.scale)) }
        try result.withUnsafeMutableCodes { codes in
            try run(
                input, into: codes, kind: Int32(V2X_OUTPUT_U8), multipliers: multipliers, outputZeroPoint: output.zeroPoint,
                relu: relu, isa: isa, threads: threads, reshapeInputTo: shape)
        }
    }

    /// Runs the layer and returns the dequantized fp32 output, `float(acc) · sx · sw[o]`
    /// (for a last layer feeding fp32 code).
    /// - Throws: as ``forward(_:output:relu:isa:threads:)``.
    public func forwardDequantized(_ input: QuantizedTensor, relu: Bool, isa: KernelISA? = nil, threads: Int? = nil) throws -> FeatureMap {
        let multipliers = weightScales.map { Float(Double(inputQuantization.scale) * Double($0)) }
        let (h, w, values) = try run(
            input, element: Float.self, kind: Int32(V2X_OUTPUT_F32), multipliers: multipliers,
            outputZeroPoint: 0, relu: relu, isa: isa, threads: threads)
        return try FeatureMap(height: h, width: w, channels: outputChannels, values: values)
    }

    /// Runs the layer and returns the s32 accumulators `acc`, `[Ho][Wo][Cout]`
    /// (for calibration and for exact tests).
    /// - Throws: as ``forward(_:output:relu:isa:threads:)``.
    public func forwardAccumulators(_ input: QuantizedTensor, relu: Bool, isa: KernelISA? = nil, threads: Int? = nil) throws -> [Int32] {
        try run(
            input, element: Int32.self, kind: Int32(V2X_OUTPUT_S32), multipliers: [],
            outputZeroPoint: 0, relu: relu, isa: isa, threads: threads
        ).values
    }

    static func checkGeometry(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int) throws {
        let limit = Int(Int32.max)
        guard (1...limit).contains(inputChannels), (1...limit).contains(outputChannels),
              (1...64).contains(kernelSize), (1...64).contains(stride), (0..<kernelSize).contains(padding)
        else {
            throw V2XError(.invalidArgument, "convolution needs channels ≥ 1, kernel and stride in 1…64 and 0 ≤ padding < kernel; got Cin \(inputChannels), Cout \(outputChannels), kernel \(kernelSize), stride \(stride), padding \(padding)")
        }
    }

    static func checkScales(_ scales: [Float], count: Int) throws {
        guard scales.count == count else {
            throw V2XError(.shapeMismatch, "\(count) output channels need \(count) weight scales, got \(scales.count)")
        }
        guard scales.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw V2XError(.invalidArgument, "weight scales must be finite and > 0")
        }
    }
}
