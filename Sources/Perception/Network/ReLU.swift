import V2XCore

/// The rectifier `max(0, x)`, elementwise on a feature map of any shape.
public enum ReLU {
    /// `max(0, x)`.
    public static func forward(_ x: FeatureMap) -> FeatureMap {
        var y = x
        y.values.withUnsafeMutableBufferPointer { v in
            for i in v.indices where !(v[i] > 0) { v[i] = 0 }
        }
        return y
    }

    /// `dX = dY` where the forward output was positive, else 0.
    /// - Throws: `V2XError.shapeMismatch` when the shapes differ.
    public static func backward(_ dY: FeatureMap, output: FeatureMap) throws -> FeatureMap {
        guard dY.values.count == output.values.count else {
            throw V2XError(.shapeMismatch, "ReLU gradient has \(dY.values.count) values, output \(output.values.count)")
        }
        var dX = dY
        output.values.withUnsafeBufferPointer { y in
            dX.values.withUnsafeMutableBufferPointer { g in
                for i in g.indices where !(y[i] > 0) { g[i] = 0 }
            }
        }
        return dX
    }
}
