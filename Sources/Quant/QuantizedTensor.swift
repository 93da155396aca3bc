import V2XCore

/// An unsigned 8-bit tensor, channels-last (NHWC, one image), with the affine quantization
/// its codes use: real value `x ≈ scale · (q − zeroPoint)`.
///
/// ```
/// values[(row · width + column) · channels + channel]
/// row 0: [c0 c1 … cC-1][c0 c1 … cC-1] …   (width cells)
/// ```
/// The storage is one contiguous Swift array, so kernels can read it directly.
public struct QuantizedTensor: Sendable, Equatable {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// `height · width · channels` codes.
    public private(set) var values: [UInt8]
    /// How the codes map to real values.
    public let quantization: AffineQuantization

    /// Wraps existing codes.
    /// - Throws: `V2XError.shapeMismatch` when `values.count != height · width · channels`
    ///   or a dimension is negative.
    public init(height: Int, width: Int, channels: Int, values: [UInt8], quantization: AffineQuantization) throws {
        guard height >= 0, width >= 0, channels >= 0,
              height.multipliedReportingOverflow(by: width).overflow == false,
              values.count == height * width * channels
        else {
            throw V2XError(.shapeMismatch, "quantized tensor \(height)×\(width)×\(channels) needs \(height * width * channels) codes, got \(values.count)")
        }
        self.height = height; self.width = width; self.channels = channels
        self.values = values
        self.quantization = quantization
    }

    /// Quantizes a feature map value by value with `quantization.quantize` (round half to
    /// even, saturating at 0 and 255, NaN to the zero point).
    public init(quantizing map: FeatureMap, with quantization: AffineQuantization) {
        height = map.height; width = map.width; channels = map.channels
        values = [UInt8](unsafeUninitializedCapacity: map.values.count) { buffer, initialized in
            map.values.withUnsafeBufferPointer { quantization.quantize($0, into: buffer) }
            initialized = map.values.count
        }
        self.quantization = quantization
    }

    /// The real values the codes stand for.
    public func dequantized() -> FeatureMap {
        var map = FeatureMap(height: height, width: width, channels: channels)
        map.values = values.map(quantization.dequantize)
        return map
    }

    /// Reads one code.
    @inlinable
    public subscript(row: Int, column: Int, channel: Int) -> UInt8 {
        values[(row * width + column) * channels + channel]
    }

    /// Gives a kernel write access to the codes; the shape cannot change.
    mutating func withUnsafeMutableCodes<R>(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body($0) }
    }
}
