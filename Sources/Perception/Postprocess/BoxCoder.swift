import Foundation
import V2XCore

/// The CenterPoint-style box code on the feature grid: a box is assigned to the cell holding
/// its centre and described there by 8 numbers,
///
/// ```
/// [dx, dy, z, log l, log w, log h, sin yaw, cos yaw]
/// dx = (x − minX)/cell − column ∈ [0, 1),  dy = (y − minY)/cell − row ∈ [0, 1)
/// ```
/// with `x, y, z` the box centre in metres (sensor frame) and `l, w, h` full extents.
public struct BoxCoder: Sendable, Equatable {
    /// The feature grid (head output grid).
    public let grid: BEVGrid

    public init(grid: BEVGrid) { self.grid = grid }

    /// The centre cell and code of a box, or nil when its centre is outside the grid or its
    /// size is not positive and finite.
    public func encode(_ box: Box3D) -> (row: Int, column: Int, code: [Float])? {
        guard let cell = grid.cell(x: box.x, y: box.y),
              [box.l, box.w, box.h, box.z, box.yaw].allSatisfy(\.isFinite), box.l > 0, box.w > 0, box.h > 0 else { return nil }
        let fx = (box.x - grid.minX) / grid.cellSizeMeters - Double(cell.column)
        let fy = (box.y - grid.minY) / grid.cellSizeMeters - Double(cell.row)
        let code = [fx, fy, box.z, log(box.l), log(box.w), log(box.h), sin(box.yaw), cos(box.yaw)].map { Float($0) }
        return (cell.row, cell.column, code)
    }

    /// The box a code describes at a cell; sizes are clamped to `exp(±6)` so a wild
    /// regression cannot overflow.
    public func decode(row: Int, column: Int, code: ArraySlice<Float>, score: Double, label: ObjectClass) -> Box3D {
        let c = Array(code)
        let x = grid.minX + (Double(column) + Double(c[0])) * grid.cellSizeMeters
        let y = grid.minY + (Double(row) + Double(c[1])) * grid.cellSizeMeters
        func size(_ v: Float) -> Double { exp(min(6, max(-6, Double(v)))) }
        return Box3D(
            x: x, y: y, z: Double(c[2]), l: size(c[3]), w: size(c[4]), h: size(c[5]),
            yaw: atan2(Double(c[6]), Double(c[7])), score: score, label: label
        )
    }
}
