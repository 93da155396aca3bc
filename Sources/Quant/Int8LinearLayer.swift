import QuantKernels
import V2XCore

/// A fully connected layer on u8 activations and s8 weights (the pillar encoder's linear
/// layer), applied to every cell of a tensor: `[H][W][in] → [H][W][out]`.
///
///     acc[o] = qb[o] − zx · Σ_i qw[o][i] + Σ_i qx[i] · qw[o][i]
///
/// with the quantization and output stages of ``Int8ConvolutionLayer`` (it runs as a 1×1
/// convolution over the `H · W` rows viewed as one `1 × (H·W)` image, so the rows are
/// split evenly across threads). For the pillar encoder, `H` = pillars and `W` = points.
public struct Int8LinearLayer: Sendable {
    /// The 1×1 convolution that does the work.
    public let convolution: Int8ConvolutionLayer

    public var inputFeatures: Int { convolution.inputChannels }
    public var outputFeatures: Int { convolution.outputChannels }
    public var inputQuantization: AffineQuantization { convolution.inputQuantization }
    public var weightScales: [Float] { convolution.weightScales }

    /// Quantizes fp32 weights `[out][in]` and bias `[out]` as
    /// ``Int8ConvolutionLayer/init(weights:bias:inputChannels:outputChannels:kernelSize:stride:padding:inputQuantization:weightScales:)`` does.
    /// - Throws: as that initializer.
    public init(
        weights: [Float], bias: [Float], inputFeatures: Int, outputFeatures: Int,
        inputQuantization: AffineQuantization, weightScales: [Float]? = nil
    ) throws {
        convolution = try Int8ConvolutionLayer(
            weights: weights, bias: bias, inputChannels: inputFeatures, outputChannels: outputFeatures,
            kernelSize: 1, stride: 1, padding: 0, inputQuantization: inputQuantization, weightScales: weightScales)
    }

    /// Uses already quantized weights `[out][in]` and bias `[out]`.
    /// - Throws: as ``Int8ConvolutionLayer/init(quantizedWeights:quantizedBias:weightScales:inputChannels:outputChannels:kernelSize:stride:padding:inputQuantization:)``.
    public init(
        quantizedWeights: [Int8], quantizedBias: [Int32], weightScales: [Float],
        inputFeatures: Int, outputFeatures: Int, inputQuantization: AffineQuantization
    ) throws {
        convolution = try Int8ConvolutionLayer(
            quantizedWeights: quantizedWeights, quantizedBias: quantizedBias, weightScales: weightScales,
            inputChannels: inputFeatures, outputChannels: outputFeatures, kernelSize: 1, stride: 1, padding: 0,
            inputQuantization: inputQuantization)
    }

    /// Runs the layer with a u8 output stage on every cell of `input`.
    /// - Throws: as ``Int8ConvolutionLayer/forward(_:output:relu:isa:threads:)``.
    public func forward(
        _ input: QuantizedTensor, output: AffineQuantization, relu: Bool,
        isa: KernelISA? = nil, threads: Int? = nil
    ) throws -> QuantizedTensor {
        let multipliers = weightScales.map { Float(Double(inputQuantization.scale) * Double($0) / Double(output.scale)) }
        let values = try convolution.run(
            input, element: UInt8.self, kind: Int32(V2X_OUTPUT_U8), multipliers: multipliers,
            outputZeroPoint: output.zeroPoint, relu: relu, isa: isa, threads: threads,
            reshapeInputTo: rowView(input)
        ).values
        return try QuantizedTensor(height: input.height, width: input.width, channels: outputFeatures, values: values, quantization: output)
    }

    /// Runs the layer with a u8 output stage into `result`, reusing its storage when it
    /// already has `H · W · out` codes.
    /// - Throws: as ``forward(_:output:relu:isa:threads:)``.
    public func forward(
        _ input: QuantizedTensor, output: AffineQuantization, relu: Bool, into result: inout QuantizedTensor,
        isa: KernelISA? = nil, threads: Int? = nil
    ) throws {
        try convolution.forward(input, output: output, relu: relu, into: &result, isa: isa, threads: threads, reshapeInputTo: rowView(input))
    }

    /// Runs the layer and returns `float(acc) · sx · sw[o]` per cell.
    /// - Throws: as ``forward(_:output:relu:isa:threads:)``.
    public func forwardDequantized(_ input: QuantizedTensor, relu: Bool, isa: KernelISA? = nil, threads: Int? = nil) throws -> FeatureMap {
        let multipliers = weightScales.map { Float(Double(inputQuantization.scale) * Double($0)) }
        let values = try convolution.run(
            input, element: Float.self, kind: Int32(V2X_OUTPUT_F32), multipliers: multipliers,
            outputZeroPoint: 0, relu: relu, isa: isa, threads: threads, reshapeInputTo: rowView(input)
        ).values
        return try FeatureMap(height: input.height, width: input.width, channels: outputFeatures, values: values)
    }

    /// Runs the layer and returns the s32 accumulators, `[H][W][out]`.
    /// - Throws: as ``forward(_:output:relu:isa:threads:)``.
    public func forwardAccumulators(_ input: QuantizedTensor, relu: Bool, isa: KernelISA? = nil, threads: Int? = nil) throws -> [Int32] {
        try convolution.run(
            input, element: Int32.self, kind: Int32(V2X_OUTPUT_S32), multipliers: [],
            outputZeroPoint: 0, relu: relu, isa: isa, threads: threads, reshapeInputTo: rowView(input)
        ).values
    }

    /// The `1 × (H·W)` image the rows are computed as.
    /// - Throws: `V2XError.shapeMismatch` for an empty tensor.
    private func rowView(_ input: QuantizedTensor) throws -> (height: Int, width: Int) {
        guard input.height * input.width > 0 else {
            throw V2XError(.shapeMismatch, "linear layer input has no rows (\(input.height)×\(input.width))")
        }
        return (1, input.height * input.width)
    }
}
