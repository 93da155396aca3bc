import Foundation
import V2XCore

/// The CenterPoint-style box code on the feature grid: a box is assigned to the cell holding
/// its centre and described there by 8 numbers,
///
/// ```
/// [dx, dy, z, log l, log w, log h, sin(m·yaw), cos(m·yaw)]
/// dx = (x − minX)/cell − column,  dy = (y − minY)/cell − row
/// ```
/// with `x, y, z` the box centre in metres (sensor frame), `l, w, h` full extents and `m` 1
/// for the `direction` heading code, 2 for `axis`. At the centre cell `dx, dy ∈ [0, 1)`; the
/// same box coded at a neighbouring cell has offsets outside that range.
public struct BoxCoder: Sendable, Equatable {
    /// The feature grid (head output grid).
    public let grid: BEVGrid
    /// How yaw is coded.
    public let heading: DetectorConfig.HeadingCode

    public init(grid: BEVGrid, heading: DetectorConfig.HeadingCode) { self.grid = grid; self.heading = heading }

    private var yawMultiple: Double { heading == .axis ? 2 : 1 }

    /// The centre cell and code of a box, or nil when its centre is outside the grid or its
    /// size is not positive and finite.
    public func encode(_ box: Box3D) -> (row: Int, column: Int, code: [Float])? {
        guard let cell = grid.cell(x: box.x, y: box.y), let code = encode(box, row: cell.row, column: cell.column) else { return nil }
        return (cell.row, cell.column, code)
    }

    /// The code of a box seen from any cell (offsets relative to that cell), or nil when its
    /// size is not positive and finite.
    public func encode(_ box: Box3D, row: Int, column: Int) -> [Float]? {
        guard [box.x, box.y, box.l, box.w, box.h, box.z, box.yaw].allSatisfy(\.isFinite), box.l > 0, box.w > 0, box.h > 0 else { return nil }
        let fx = (box.x - grid.minX) / grid.cellSizeMeters - Double(column)
        let fy = (box.y - grid.minY) / grid.cellSizeMeters - Double(row)
        let m = yawMultiple
        return [fx, fy, box.z, log(box.l), log(box.w), log(box.h), sin(m * box.yaw), cos(m * box.yaw)].map { Float($0) }
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
            yaw: atan2(Double(c[6]), Double(c[7])) / yawMultiple, score: score, label: label
        )
    }
}
