import V2XCore

/// A per-cell value over a BEV grid in the ego frame, drawn under the points: which cells
/// a collaborator sent (a 0/1 mask) or how strongly (a score in [0, 1]).
///
/// `values[row · grid.width + column]` follows `BEVGrid`'s layout (row along y, column
/// along x). Cells with value ≤ 0 or NaN are not drawn; values above 1 draw as 1.
public struct CellHeatLayer: Sendable, Equatable {
    public let grid: BEVGrid
    public let values: [Float]

    /// - Throws: `V2XError.shapeMismatch` when `values.count != grid.cellCount`.
    public init(grid: BEVGrid, values: [Float]) throws {
        guard values.count == grid.cellCount else {
            throw V2XError(.shapeMismatch, "heat layer over \(grid.height)×\(grid.width) cells needs \(grid.cellCount) values, got \(values.count)")
        }
        self.grid = grid
        self.values = values
    }

    /// A 0/1 layer from a mask of sent cells.
    /// - Throws: `V2XError.shapeMismatch` when `mask.count != grid.cellCount`.
    public init(grid: BEVGrid, mask: [Bool]) throws {
        try self.init(grid: grid, values: mask.map { $0 ? 1 : 0 })
    }
}
