import Foundation

/// Reflectivity of the ground plane (z = 0) on a regular grid: asphalt, lane markings,
/// sidewalks and verges, so that LiDAR intensity shows road paint the way real sweeps do.
///
/// Cell `(i, j)` covers `x ∈ [originX + i·cell, originX + (i+1)·cell)` and likewise in y;
/// outside the grid the `background` reflectivity applies.
struct GroundMaterialMap: Sendable {
    let originX: Double
    let originY: Double
    let cellSizeMeters: Double
    let columns: Int
    let rows: Int
    let background: Float
    private(set) var cells: [Float]

    /// A map covering `[minX, maxX] × [minY, maxY]` filled with `background`.
    init(minX: Double, minY: Double, maxX: Double, maxY: Double, cellSizeMeters: Double, background: Float) {
        originX = minX
        originY = minY
        self.cellSizeMeters = cellSizeMeters
        columns = max(1, Int(((maxX - minX) / cellSizeMeters).rounded(.up)))
        rows = max(1, Int(((maxY - minY) / cellSizeMeters).rounded(.up)))
        self.background = background
        cells = [Float](repeating: background, count: columns * rows)
    }

    /// Paints an oriented rectangle (centre, full length along `yaw`, full width).
    mutating func paint(centerX: Double, centerY: Double, length: Double, width: Double, yaw: Double, reflectivity: Float) {
        let c = cos(yaw), s = sin(yaw)
        let ex = abs(c) * length / 2 + abs(s) * width / 2
        let ey = abs(s) * length / 2 + abs(c) * width / 2
        let i0 = max(0, Int(((centerX - ex - originX) / cellSizeMeters).rounded(.down)))
        let i1 = min(columns - 1, Int(((centerX + ex - originX) / cellSizeMeters).rounded(.down)))
        let j0 = max(0, Int(((centerY - ey - originY) / cellSizeMeters).rounded(.down)))
        let j1 = min(rows - 1, Int(((centerY + ey - originY) / cellSizeMeters).rounded(.down)))
        guard i0 <= i1, j0 <= j1 else { return }
        for j in j0...j1 {
            let y = originY + (Double(j) + 0.5) * cellSizeMeters - centerY
            for i in i0...i1 {
                let x = originX + (Double(i) + 0.5) * cellSizeMeters - centerX
                let along = c * x + s * y, across = -s * x + c * y
                if abs(along) <= length / 2 && abs(across) <= width / 2 {
                    cells[j * columns + i] = reflectivity
                }
            }
        }
    }

    /// Reflectivity at a ground point.
    @inline(__always)
    func reflectivity(x: Float, y: Float) -> Float {
        let fi = (Double(x) - originX) / cellSizeMeters
        let fj = (Double(y) - originY) / cellSizeMeters
        guard fi >= 0, fj >= 0, fi < Double(columns), fj < Double(rows) else { return background }
        return cells[Int(fj) * columns + Int(fi)]
    }
}
