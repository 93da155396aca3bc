extension AffineQuantization {
    /// Quantizes `source` into the first `source.count` codes of `destination`, value by value
    /// exactly as ``quantize(_:)`` (round half to even, saturating, NaN to the zero point), in
    /// one loop over raw buffers rather than a closure per value.
    /// - Precondition: `destination.count >= source.count`.
    public func quantize(_ source: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<UInt8>) {
        precondition(destination.count >= source.count, "destination holds \(destination.count) codes, source \(source.count) values")
        let s = scale, z = Float(zeroPoint), nanCode = UInt8(zeroPoint)
        for i in 0..<source.count {
            let x = source[i]
            // max(0, NaN) is 0 (`y >= x ? y : x`), so the conversion never sees NaN.
            let q = Swift.min(255, Swift.max(0, (x / s).rounded(.toNearestOrEven) + z))
            destination[i] = x.isNaN ? nanCode : UInt8(q)
        }
    }
}
