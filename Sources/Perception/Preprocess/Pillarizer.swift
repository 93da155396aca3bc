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
        let width = grid.width, height = grid.height
        let minX = Float(grid.minX), minY = Float(grid.minY)
        let cell = Float(grid.cellSizeMeters)
        let (kept, sums) = keptPoints(cloud)
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
        let pointPillar = kept.map { pillarOfCell[Int($0.y)] }

        let m = kept.count
        let rx = Float(grid.maxX - grid.minX) / 2, ry = Float(grid.maxY - grid.minY) / 2
        let cx = Float(grid.minX + grid.maxX) / 2, cy = Float(grid.minY + grid.maxY) / 2
        let rz = Pillars.zScaleMeters
        let features = [Float](unsafeUninitializedCapacity: m * Pillars.featureCount) { out, initialized in
            cloud.x.withUnsafeBufferPointer { xs in
                cloud.y.withUnsafeBufferPointer { ys in
                    cloud.z.withUnsafeBufferPointer { zs in
                        cloud.intensity.withUnsafeBufferPointer { intensities in
                            for j in 0..<m {
                                let i = Int(kept[j].x), p = Int(pointPillar[j])
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

    /// `(point index, grid cell)` of every point inside the grid and z range, in point order,
    /// and per grid cell the sums `(x, y, z, count)` of its points.
    private func keptPoints(_ cloud: PointCloud) -> (kept: [SIMD2<Int32>], sums: [SIMD4<Float>]) {
        let width = grid.width, height = grid.height
        let minX = Float(grid.minX), minY = Float(grid.minY)
        let maxX = Float(grid.maxX), maxY = Float(grid.maxY)
        let cell = Float(grid.cellSizeMeters)
        var sums = [SIMD4<Float>](repeating: .zero, count: width * height)
        let kept = [SIMD2<Int32>](unsafeUninitializedCapacity: cloud.count) { out, initialized in
            var m = 0
            cloud.x.withUnsafeBufferPointer { xs in
                cloud.y.withUnsafeBufferPointer { ys in
                    cloud.z.withUnsafeBufferPointer { zs in
                        sums.withUnsafeMutableBufferPointer { sums in
                            for i in 0..<cloud.count {
                                let x = xs[i], y = ys[i], z = zs[i]
                                // Comparisons are false for NaN, so NaN points are dropped here too.
                                guard x >= minX, x < maxX, y >= minY, y < maxY, z >= minZMeters, z <= maxZMeters else { continue }
                                let c = min(width - 1, Int((x - minX) / cell))
                                let r = min(height - 1, Int((y - minY) / cell))
                                sums[r * width + c] += SIMD4(x, y, z, 1)
                                out[m] = SIMD2(Int32(i), Int32(r * width + c))
                                m += 1
                            }
                        }
                    }
                }
            }
            initialized = m
        }
        return (kept, sums)
    }
}
