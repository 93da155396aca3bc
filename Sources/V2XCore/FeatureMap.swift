/// A dense BEV feature map, channels-last: `values[(row * width + column) * channels + channel]`.
///
/// ```
/// row 0: [c0 c1 … cC-1][c0 c1 … cC-1] …   (width cells)
/// row 1: …
/// ```
public struct FeatureMap: Sendable, Equatable {
    public let height: Int
    public let width: Int
    public let channels: Int
    public var values: [Float]

    /// A zero-filled map.
    public init(height: Int, width: Int, channels: Int) {
        precondition(height >= 0 && width >= 0 && channels >= 0, "negative feature map shape")
        self.height = height; self.width = width; self.channels = channels
        values = [Float](repeating: 0, count: height * width * channels)
    }

    /// Wraps existing values.
    /// - Throws: `V2XError.shapeMismatch` when `values.count != height * width * channels`.
    public init(height: Int, width: Int, channels: Int, values: [Float]) throws {
        guard height >= 0, width >= 0, channels >= 0, values.count == height * width * channels else {
            throw V2XError(.shapeMismatch, "feature map \(height)×\(width)×\(channels) needs \(height * width * channels) values, got \(values.count)")
        }
        self.height = height; self.width = width; self.channels = channels
        self.values = values
    }

    /// Index of the first channel of a cell.
    @inlinable
    public func offset(row: Int, column: Int) -> Int { (row * width + column) * channels }

    /// Reads one value.
    @inlinable
    public subscript(row: Int, column: Int, channel: Int) -> Float {
        get { values[offset(row: row, column: column) + channel] }
        set { values[offset(row: row, column: column) + channel] = newValue }
    }
}
