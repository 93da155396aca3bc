/// A named fp32 tensor: one entry of a model or checkpoint file.
///
/// `values` is row-major over `shape`; `values.count == shape.reduce(1, *)`.
public struct NamedTensor: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name; self.shape = shape; self.values = values
    }

    /// Number of elements the shape holds.
    public var elementCount: Int { shape.reduce(1, *) }
}
