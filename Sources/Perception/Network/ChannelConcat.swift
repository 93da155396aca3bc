import V2XCore

/// Concatenation of two maps of the same height and width along the channel axis,
/// and its adjoint (the split).
///
/// `(H, W, Ca) ⊕ (H, W, Cb) → (H, W, Ca + Cb)`, the channels of `a` first.
public enum ChannelConcat {
    /// Joins `a` and `b` per cell.
    /// - Throws: `V2XError.shapeMismatch` when the heights or widths differ.
    public static func forward(_ a: FeatureMap, _ b: FeatureMap) throws -> FeatureMap {
        guard a.height == b.height, a.width == b.width else {
            throw V2XError(.shapeMismatch, "cannot concatenate \(a.height)×\(a.width) with \(b.height)×\(b.width)")
        }
        let ca = a.channels, cb = b.channels, c = ca + cb
        var out = FeatureMap(height: a.height, width: a.width, channels: c)
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                out.values.withUnsafeMutableBufferPointer { po in
                    for cell in 0..<(a.height * a.width) {
                        for i in 0..<ca { po[cell * c + i] = pa[cell * ca + i] }
                        for i in 0..<cb { po[cell * c + ca + i] = pb[cell * cb + i] }
                    }
                }
            }
        }
        return out
    }

    /// Splits a gradient of the joined map into the parts for `a` (first `channelsA` channels) and `b`.
    /// - Throws: `V2XError.shapeMismatch` when `channelsA` exceeds the channel count.
    public static func backward(_ dY: FeatureMap, channelsA: Int) throws -> (FeatureMap, FeatureMap) {
        guard channelsA >= 0, channelsA <= dY.channels else {
            throw V2XError(.shapeMismatch, "cannot split \(dY.channels) channels at \(channelsA)")
        }
        let ca = channelsA, cb = dY.channels - ca, c = dY.channels
        var da = FeatureMap(height: dY.height, width: dY.width, channels: ca)
        var db = FeatureMap(height: dY.height, width: dY.width, channels: cb)
        dY.values.withUnsafeBufferPointer { g in
            da.values.withUnsafeMutableBufferPointer { pa in
                db.values.withUnsafeMutableBufferPointer { pb in
                    for cell in 0..<(dY.height * dY.width) {
                        for i in 0..<ca { pa[cell * ca + i] = g[cell * c + i] }
                        for i in 0..<cb { pb[cell * cb + i] = g[cell * c + ca + i] }
                    }
                }
            }
        }
        return (da, db)
    }
}
