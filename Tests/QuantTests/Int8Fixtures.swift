import Quant
import V2XTestSupport

/// Random layers and inputs for the int8 tests.
struct Int8Case: CustomStringConvertible {
    var height: Int, width: Int, inputChannels: Int, outputChannels: Int
    var kernelSize: Int, stride: Int, padding: Int
    var inputZeroPoint: Int32 = 128

    var description: String {
        "\(height)×\(width)×\(inputChannels) → \(outputChannels), k\(kernelSize) s\(stride) p\(padding), zx \(inputZeroPoint)"
    }

    func layer(using rng: inout SeededGenerator, weightRange: ClosedRange<Int8> = -128...127, biasRange: ClosedRange<Int32> = -50_000...50_000) throws -> Int8ConvolutionLayer {
        let count = outputChannels * kernelSize * kernelSize * inputChannels
        return try Int8ConvolutionLayer(
            quantizedWeights: (0..<count).map { _ in Int8.random(in: weightRange, using: &rng) },
            quantizedBias: (0..<outputChannels).map { _ in Int32.random(in: biasRange, using: &rng) },
            weightScales: (0..<outputChannels).map { _ in Float.random(in: 0.001...0.02, using: &rng) },
            inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
            stride: stride, padding: padding,
            inputQuantization: try AffineQuantization(scale: 0.05, zeroPoint: inputZeroPoint))
    }

    func input(using rng: inout SeededGenerator, range: ClosedRange<UInt8> = 0...255) throws -> QuantizedTensor {
        try QuantizedTensor(
            height: height, width: width, channels: inputChannels,
            values: (0..<(height * width * inputChannels)).map { _ in UInt8.random(in: range, using: &rng) },
            quantization: try AffineQuantization(scale: 0.05, zeroPoint: inputZeroPoint))
    }
}

/// Shapes covering the kernels' edges: channel counts that are not multiples of 4/16/64,
/// odd spatial sizes with stride 2, rows shorter and longer than the pixel tiles, 1×1 and 3×3.
let int8Cases: [Int8Case] = [
    Int8Case(height: 7, width: 9, inputChannels: 5, outputChannels: 17, kernelSize: 3, stride: 1, padding: 1),
    Int8Case(height: 9, width: 11, inputChannels: 13, outputChannels: 33, kernelSize: 3, stride: 2, padding: 1),
    Int8Case(height: 5, width: 13, inputChannels: 64, outputChannels: 64, kernelSize: 3, stride: 1, padding: 1, inputZeroPoint: 0),
    Int8Case(height: 11, width: 7, inputChannels: 3, outputChannels: 70, kernelSize: 3, stride: 2, padding: 1, inputZeroPoint: 255),
    Int8Case(height: 6, width: 10, inputChannels: 37, outputChannels: 1, kernelSize: 1, stride: 1, padding: 0),
    Int8Case(height: 4, width: 15, inputChannels: 128, outputChannels: 65, kernelSize: 1, stride: 1, padding: 0, inputZeroPoint: 7),
    Int8Case(height: 8, width: 8, inputChannels: 1, outputChannels: 16, kernelSize: 3, stride: 1, padding: 0),
    Int8Case(height: 10, width: 6, inputChannels: 6, outputChannels: 15, kernelSize: 3, stride: 2, padding: 0),
    Int8Case(height: 1, width: 1, inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1),
    Int8Case(height: 3, width: 23, inputChannels: 10, outputChannels: 64, kernelSize: 1, stride: 2, padding: 0),
    // Wide inputs (70–300 channels, some with a partial group of 4) on rows longer than
    // any path's pixel tile, and output channels that leave partial 16-channel blocks.
    Int8Case(height: 5, width: 29, inputChannels: 128, outputChannels: 100, kernelSize: 3, stride: 1, padding: 1),
    Int8Case(height: 9, width: 31, inputChannels: 70, outputChannels: 50, kernelSize: 3, stride: 2, padding: 1, inputZeroPoint: 3),
    Int8Case(height: 4, width: 26, inputChannels: 300, outputChannels: 20, kernelSize: 3, stride: 1, padding: 1),
]

/// A linear layer with fp32 weights in [-1, 1] and biases in [-0.5, 0.5] quantized in the
/// usual way, on inputs quantized with scale 0.02 and zero point 31 (so the folded bias matters).
func randomLinearLayer(inputs: Int, outputs: Int, using rng: inout SeededGenerator) throws -> Int8LinearLayer {
    try Int8LinearLayer(
        weights: (0..<(inputs * outputs)).map { _ in Float.random(in: -1...1, using: &rng) },
        bias: (0..<outputs).map { _ in Float.random(in: -0.5...0.5, using: &rng) },
        inputFeatures: inputs, outputFeatures: outputs, inputQuantization: try AffineQuantization(scale: 0.02, zeroPoint: 31))
}
