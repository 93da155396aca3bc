/// A bird's-eye-view grid over the sensor frame: a rectangle in x/y split into square cells.
///
/// Row `r` covers `y ∈ [minY + r·cell, minY + (r+1)·cell)`, column `c` covers
/// `x ∈ [minX + c·cell, …)`. The default is ±51.2 m at 0.4 m (256 × 256 cells).
public struct BEVGrid: Sendable, Equatable, Codable, Hashable {
    public let minX: Double
    public let maxX: Double
    public let minY: Double
    public let maxY: Double
    public let cellSizeMeters: Double
    /// Number of columns (along x).
    public let width: Int
    /// Number of rows (along y).
    public let height: Int

    /// The default detection grid: ±51.2 m, 0.4 m cells.
    public static let `default` = try! BEVGrid(minX: -51.2, maxX: 51.2, minY: -51.2, maxY: 51.2, cellSizeMeters: 0.4)

    /// Creates a grid.
    /// - Throws: `V2XError.invalidArgument` if the extent is empty, the cell size is not
    ///   positive, or the extent is not a whole number of cells.
    public init(minX: Double, maxX: Double, minY: Double, maxY: Double, cellSizeMeters: Double) throws {
        guard cellSizeMeters > 0, cellSizeMeters.isFinite else {
            throw V2XError(.invalidArgument, "cell size must be positive, got \(cellSizeMeters)")
        }
        guard maxX > minX, maxY > minY, [minX, maxX, minY, maxY].allSatisfy(\.isFinite) else {
            throw V2XError(.invalidArgument, "empty or non-finite grid extent x [\(minX), \(maxX)] y [\(minY), \(maxY)]")
        }
        let w = (maxX - minX) / cellSizeMeters
        let h = (maxY - minY) / cellSizeMeters
        guard abs(w - w.rounded()) < 1e-6, abs(h - h.rounded()) < 1e-6 else {
            throw V2XError(.invalidArgument, "grid extent is not a whole number of \(cellSizeMeters) m cells")
        }
        self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY
        self.cellSizeMeters = cellSizeMeters
        self.width = Int(w.rounded())
        self.height = Int(h.rounded())
    }

    /// Number of cells.
    public var cellCount: Int { width * height }

    /// The (row, column) of the cell holding a point, or nil outside the grid.
    @inlinable
    public func cell(x: Double, y: Double) -> (row: Int, column: Int)? {
        guard x >= minX, x < maxX, y >= minY, y < maxY else { return nil }
        let c = min(width - 1, Int((x - minX) / cellSizeMeters))
        let r = min(height - 1, Int((y - minY) / cellSizeMeters))
        return (r, c)
    }

    /// The centre of a cell in metres.
    @inlinable
    public func center(row: Int, column: Int) -> SIMD2<Double> {
        SIMD2(minX + (Double(column) + 0.5) * cellSizeMeters, minY + (Double(row) + 0.5) * cellSizeMeters)
    }
}
