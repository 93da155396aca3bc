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
        // Pass 1: the cell of every kept point, and per-cell sums (x, y, z, count) for the means.
        var keptIndex = [Int32](repeating: 0, count: n)
        var keptCell = [Int32](repeating: 0, count: n)
        var sums = [SIMD4<Float>](repeating: .zero, count: width * height)
        var m = 0
        cloud.x.withUnsafeBufferPointer { xs in
            cloud.y.withUnsafeBufferPointer { ys in
                cloud.z.withUnsafeBufferPointer { zs in
                    sums.withUnsafeMutableBufferPointer { sums in
                        for i in 0..<n {
                            let x = xs[i], y = ys[i], z = zs[i]
                            // Comparisons are false for NaN, so NaN points are dropped here too.
                            guard x >= minX, x < maxX, y >= minY, y < maxY, z >= minZMeters, z <= maxZMeters else { continue }
                            let c = min(width - 1, Int((x - minX) / cell))
                            let r = min(height - 1, Int((y - minY) / cell))
                            let cellIndex = r * width + c
                            sums[cellIndex] += SIMD4(x, y, z, 1)
                            keptIndex[m] = Int32(i)
                            keptCell[m] = Int32(cellIndex)
                            m += 1
                        }
                    }
                }
            }
        }
        // Pillars are numbered in ascending cell order, so the output does not depend on
        // point order. Per pillar: its mean and its cell's centre.
        var pillarOfCell = [Int32](repeating: -1, count: width * height)
        var pillarCells: [Int32] = []
        var means: [SIMD4<Float>] = []
        var centres: [SIMD2<Float>] = []
        for r in 0..<height {
            for c in 0..<width where sums[r * width + c].w > 0 {
                let cellIndex = r * width + c
                pillarOfCell[cellIndex] = Int32(pillarCells.count)
                pillarCells.append(Int32(cellIndex))
                means.append(sums[cellIndex] / sums[cellIndex].w)
                centres.append(SIMD2(minX + (Float(c) + 0.5) * cell, minY + (Float(r) + 0.5) * cell))
            }
        }

        var pointPillar = [Int32](repeating: 0, count: m)
        let rx = Float(grid.maxX - grid.minX) / 2, ry = Float(grid.maxY - grid.minY) / 2
        let cx = Float(grid.minX + grid.maxX) / 2, cy = Float(grid.minY + grid.maxY) / 2
        let rz = Pillars.zScaleMeters
        let features = [Float](unsafeUninitializedCapacity: m * Pillars.featureCount) { out, initialized in
            cloud.x.withUnsafeBufferPointer { xs in
                cloud.y.withUnsafeBufferPointer { ys in
                    cloud.z.withUnsafeBufferPointer { zs in
                        cloud.intensity.withUnsafeBufferPointer { intensities in
                            for j in 0..<m {
                                let i = Int(keptIndex[j])
                                let p = Int(pillarOfCell[Int(keptCell[j])])
                                pointPillar[j] = Int32(p)
                                let x = xs[i], y = ys[i], z = zs[i]
                                let intensity = intensities[i].isFinite ? intensities[i] : 0
                                let mean = means[p], centre = centres[p]
                                let base = out.baseAddress! + j * Pillars.featureCount
                                base[0] = (x - cx) / rx
                                base[1] = (y - cy) / ry
                                base[2] = z / rz
                                base[3] = intensity
                                base[4] = (x - mean.x) / cell
                                base[5] = (y - mean.y) / cell
                                base[6] = (z - mean.z) / rz
                                base[7] = (x - centre.x) / cell
                                base[8] = (y - centre.y) / cell
                            }
                        }
                    }
                }
            }
            initialized = m * Pillars.featureCount
        }
        return Pillars(pointFeatures: features, pointPillar: pointPillar, pillarCells: pillarCells, gridHeight: height, gridWidth: width)
    }
}
