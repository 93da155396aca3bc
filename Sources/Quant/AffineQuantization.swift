import V2XCore

/// Affine (asymmetric) quantization of real values to unsigned 8-bit codes:
/// `q = clamp(round_half_even(x / scale) + zeroPoint, 0, 255)`, `x ≈ scale · (q − zeroPoint)`.
public struct AffineQuantization: Sendable, Equatable, Codable {
    /// Real value of one quantization step; finite and > 0.
    public let scale: Float
    /// The code that represents real 0, in [0, 255].
    public let zeroPoint: Int32

    /// - Throws: `V2XError.invalidArgument` for a non-positive or non-finite scale or a
    ///   zero point outside [0, 255].
    public init(scale: Float, zeroPoint: Int32) throws {
        guard scale > 0, scale.isFinite else {
            throw V2XError(.invalidArgument, "quantization scale must be finite and > 0, got \(scale)")
        }
        guard (0...255).contains(zeroPoint) else {
            throw V2XError(.invalidArgument, "u8 zero point must be in [0, 255], got \(zeroPoint)")
        }
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// Parameters that cover `[min(lo, 0), max(hi, 0)]` exactly at both ends' nearest codes.
    /// - Throws: `V2XError.nonFiniteValue` for NaN or infinite bounds.
    public init(coveringMin lo: Float, max hi: Float) throws {
        guard lo.isFinite, hi.isFinite else {
            throw V2XError(.nonFiniteValue, "calibration range [\(lo), \(hi)] is not finite")
        }
        let low = Swift.min(lo, 0), high = Swift.max(hi, 0)
        let scale = high > low ? (high - low) / 255 : 1
        let zp = Int32((-low / scale).rounded(.toNearestOrEven))
        try self.init(scale: scale, zeroPoint: Swift.min(255, Swift.max(0, zp)))
    }

    /// Quantizes one value, saturating at 0 and 255. NaN maps to the zero point.
    @inlinable
    public func quantize(_ x: Float) -> UInt8 {
        guard !x.isNaN else { return UInt8(zeroPoint) }
        let q = (x / scale).rounded(.toNearestOrEven) + Float(zeroPoint)
        return UInt8(Swift.min(255, Swift.max(0, q)))
    }

    /// The real value a code stands for.
    @inlinable
    public func dequantize(_ q: UInt8) -> Float { scale * Float(Int32(q) - zeroPoint) }
}
