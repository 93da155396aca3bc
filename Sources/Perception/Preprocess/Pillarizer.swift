import V2XCore

/// Turns a sweep into `Pillars`: drops points that are not finite or lie outside the grid or
/// the z range, assigns each remaining point to its BEV cell and computes its 9 features.
///
/// Empty clouds, clouds with every point outside, NaN/inf coordinates: all give well-defined
/// (possibly empty) pillars, never an error. Non-finite intensities count as 0.
public struct Pillarizer: Sendable, Equatable {
    public let grid: BEVGrid
    public let minZMeters: Float
    public let maxZMeters: Float

    public init(grid: BEVGrid, minZMeters: Double, maxZMeters: Double) {
        self.grid = grid
        self.minZMeters = Float(minZMeters)
        self.maxZMeters = Float(maxZMeters)
    }

    /// Groups the points into pillars.
    public func pillarize(_ cloud: PointCloud) -> Pillars {
        let n = cloud.count
        let width = grid.width, height = grid.height
        let minX = Float(grid.minX), minY = Float(grid.minY)
        let maxX = Float(grid.maxX), maxY = Float(grid.maxY)
        let cell = Float(grid.cellSizeMeters)
        // Pass 1: the cell of every kept point, and per-cell sums for the means.
        var keptIndex: [Int32] = []
        var keptCell: [Int32] = []
        keptIndex.reserveCapacity(n); keptCell.reserveCapacity(n)
        var pillarOfCell = [Int32](repeating: -1, count: width * height)
        var pillarCells: [Int32] = []
        var sums: [SIMD4<Float>] = []   // x, y, z, count
        cloud.x.withUnsafeBufferPointer { xs in
            cloud.y.withUnsafeBufferPointer { ys in
                cloud.z.withUnsafeBufferPointer { zs in
                    for i in 0..<n {
                        let x = xs[i], y = ys[i], z = zs[i]
                        // Comparisons are false for NaN, so NaN points are dropped here too.
                        guard x >= minX, x < maxX, y >= minY, y < maxY, z >= minZMeters, z <= maxZMeters else { continue }
                        let c = min(width - 1, Int((x - minX) / cell))
                        let r = min(height - 1, Int((y - minY) / cell))
                        let cellIndex = r * width + c
                        var p = pillarOfCell[cellIndex]
                        if p < 0 {
                            p = Int32(pillarCells.count)
                            pillarOfCell[cellIndex] = p
                            pillarCells.append(Int32(cellIndex))
                            sums.append(.zero)
                        }
                        sums[Int(p)] += SIMD4(x, y, z, 1)
                        keptIndex.append(Int32(i))
                        keptCell.append(Int32(cellIndex))
                    }
                }
            }
        }
        // Renumber pillars in ascending cell order so the output does not depend on point order.
        let order = pillarCells.indices.sorted { pillarCells[$0] < pillarCells[$1] }
        var renumber = [Int32](repeating: 0, count: order.count)
        for (newIndex, old) in order.enumerated() { renumber[old] = Int32(newIndex) }
        let sortedCells = order.map { pillarCells[$0] }
        let means = order.map { sums[$0] / sums[$0].w }

        let m = keptIndex.count
        var features = [Float](repeating: 0, count: m * Pillars.featureCount)
        var pointPillar = [Int32](repeating: 0, count: m)
        let rx = Float(grid.maxX - grid.minX) / 2, ry = Float(grid.maxY - grid.minY) / 2
        let cx = Float(grid.minX + grid.maxX) / 2, cy = Float(grid.minY + grid.maxY) / 2
        let rz = Pillars.zScaleMeters
        for j in 0..<m {
            let i = Int(keptIndex[j])
            let cellIndex = Int(keptCell[j])
            let p = Int(renumber[Int(pillarOfCell[cellIndex])])
            pointPillar[j] = Int32(p)
            let x = cloud.x[i], y = cloud.y[i], z = cloud.z[i]
            let intensity = cloud.intensity[i].isFinite ? cloud.intensity[i] : 0
            let mean = means[p]
            let centerX = minX + (Float(cellIndex % width) + 0.5) * cell
            let centerY = minY + (Float(cellIndex / width) + 0.5) * cell
            let base = j * Pillars.featureCount
            features[base + 0] = (x - cx) / rx
            features[base + 1] = (y - cy) / ry
            features[base + 2] = z / rz
            features[base + 3] = intensity
            features[base + 4] = (x - mean.x) / cell
            features[base + 5] = (y - mean.y) / cell
            features[base + 6] = (z - mean.z) / rz
            features[base + 7] = (x - centerX) / cell
            features[base + 8] = (y - centerY) / cell
        }
        return Pillars(pointFeatures: features, pointPillar: pointPillar, pillarCells: sortedCells, gridHeight: height, gridWidth: width)
    }
}
