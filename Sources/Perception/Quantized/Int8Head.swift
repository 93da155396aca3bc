import Quant
import V2XCore

/// The detection head with its 3×3 hidden convolution (97 % of the head's multiply-adds) on
/// the int8 kernels; the 1×1 output convolution that writes the heatmap logits and the box
/// code stays fp32.
///
/// The head reads maps whose range depends on the frame and on fusion (an agent's own
/// features, a fused map, decoded codebook cells), so no fixed calibration fits them all:
/// the input quantization is dynamic, covering each call's map from its smallest to its
/// largest finite value (a 99.99th-percentile range scored the same AP on the default
/// scenario, 0.1 point apart, and costs a histogram pass). Weights are quantized once,
/// symmetric per output channel (`Int8ConvolutionLayer`'s max-abs scales); the bias, in units
/// of input scale × weight scale, is requantized per call. Made from a network's head as it
/// was: build a new one after changing the weights.
public struct Int8Head: Sendable, Equatable {
    /// The fp32 hidden layer (geometry and bias).
    let hidden: Conv2D
    /// `qw`, `[Cout][3][3][Cin]`.
    let quantizedWeights: [Int8]
    /// `sw[o]`.
    let weightScales: [Float]
    /// The fp32 1×1 output layer.
    let output: Conv2D

    /// Quantizes the head of `network`.
    /// - Throws: `V2XError.nonFiniteValue` for non-finite head weights.
    public init(network: DetectorNetwork) throws {
        let conv = network.headHidden
        let reference = try Int8ConvolutionLayer(
            weights: ChainStage.transposed(conv.weight, rows: conv.columnsPerPixel, columns: conv.outChannels),
            bias: [Float](repeating: 0, count: conv.outChannels),
            inputChannels: conv.inChannels, outputChannels: conv.outChannels, kernelSize: conv.kernel,
            stride: conv.stride, padding: conv.padding, inputQuantization: try AffineQuantization(scale: 1, zeroPoint: 0))
        hidden = conv
        quantizedWeights = reference.quantizedWeights
        weightScales = reference.weightScales
        output = network.headOutput
    }

    /// Feature map → head output `(H, W, K+8)`, as `DetectorNetwork.head` computes it.
    /// - Throws: `V2XError.shapeMismatch` for a map with the wrong channel count,
    ///   `.nonFiniteValue` for a map without one finite value.
    public func forward(_ features: FeatureMap) throws -> FeatureMap {
        guard features.channels == hidden.inChannels else {
            throw V2XError(.shapeMismatch, "the head expects \(hidden.inChannels) channels, got \(features.channels)")
        }
        let quantization = try inputQuantization(of: features)
        let hiddenOutput = try layer(for: quantization).forwardDequantized(QuantizedTensor(quantizing: features, with: quantization), relu: true)
        return try output.forward(hiddenOutput).output
    }

    /// The input quantization a call uses for `features`: `[min(lo, 0), max(hi, 0)]` over its
    /// finite values.
    /// - Throws: `V2XError.nonFiniteValue` when the map has no finite value.
    public func inputQuantization(of features: FeatureMap) throws -> AffineQuantization {
        guard let range = Self.finiteRange(of: features.values) else {
            throw V2XError(.nonFiniteValue, "the head's input map has no finite value")
        }
        return try AffineQuantization(coveringMin: range.lower, max: range.upper)
    }

    /// The smallest and largest finite values, `nil` when there is none; 16 lanes at a time.
    static func finiteRange(of values: [Float]) -> (lower: Float, upper: Float)? {
        values.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            let whole = buffer.count - buffer.count % 16
            var low = SIMD16<Float>(repeating: .infinity), high = SIMD16<Float>(repeating: -.infinity)
            var i = 0
            while i < whole {
                let x = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD16<Float>.self)
                // NaN and ±infinity lanes keep the running bounds.
                let finite = x .< SIMD16<Float>(repeating: .infinity) .& x .> SIMD16<Float>(repeating: -.infinity)
                low.replace(with: x, where: finite .& x .< low)
                high.replace(with: x, where: finite .& x .> high)
                i += 16
            }
            var lower = low.min(), upper = high.max()
            while i < buffer.count {
                let x = base[i]
                if x.isFinite { lower = Swift.min(lower, x); upper = Swift.max(upper, x) }
                i += 1
            }
            return lower <= upper ? (lower, upper) : nil
        }
    }

    /// The hidden layer for one input quantization: `qb[o] = rne(b[o] / (sx · sw[o]))`.
    func layer(for quantization: AffineQuantization) throws -> Int8ConvolutionLayer {
        let sx = Double(quantization.scale)
        let bias = try zip(hidden.bias, weightScales).map { b, sw in
            let q = (Double(b) / (sx * Double(sw))).rounded(.toNearestOrEven)
            guard abs(q) <= Double(Int32.max) else {
                throw V2XError(.invalidArgument, "head bias \(b) is \(q) accumulator units at input scale \(sx), beyond s32")
            }
            return Int32(q)
        }
        return try Int8ConvolutionLayer(
            quantizedWeights: quantizedWeights, quantizedBias: bias, weightScales: weightScales,
            inputChannels: hidden.inChannels, outputChannels: hidden.outChannels, kernelSize: hidden.kernel,
            stride: hidden.stride, padding: hidden.padding, inputQuantization: quantization)
    }
}
