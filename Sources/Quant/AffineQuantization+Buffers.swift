import QuantKernels

extension AffineQuantization {
    /// Quantizes `source` into the first `source.count` codes of `destination`, value by value
    /// exactly as ``quantize(_:)`` (round half to even, saturating, NaN to the zero point), in
    /// the vectorized C loop `v2x_quantize_u8`. ``quantize(_:)`` is the reference the tests
    /// hold it to.
    /// - Precondition: `destination.count >= source.count`.
    public func quantize(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<UInt8>) {
        precondition(destination.count >= source.count, "destination holds \(destination.count) codes, source \(source.count) values")
        guard let src = source.baseAddress, let dst = destination.baseAddress else { return }
        v2x_quantize_u8(src, Int64(source.count), scale, zeroPoint, dst)
    }
}
