import Dispatch
import Foundation
import V2XCore

/// Simulates one sweep of a `LidarModel` in a world (`RayCaster`).
///
/// Every ray is cast from the sensor origin along its beam direction rotated into the
/// world; the nearest surface within the maximum range gives a return at
/// `range + σ·n` with intensity `reflectivity · (f + (1 − f)·|cos(incidence)|) + σᵢ·n'` (n, n' approximately
/// standard normal, see `StatelessRandom.approximateGaussian`; intensity clamped to
/// [0, 1], the physical output range), unless the ray drops out. The whole sweep is taken
/// at one instant: motion during the 0.1 s turn is ignored.
///
/// Determinism: the noise of ray `k` is a pure function of `(noise key, k)`, never of a
/// shared generator, so the azimuth blocks can run on all cores in any order and the
/// cloud is bit-identical from run to run.
struct LidarScanner: Sendable {
    let model: LidarModel
    /// Unit beam directions in the sensor frame, azimuth-major.
    let directions: [SIMD3<Float>]

    init(model: LidarModel) {
        self.model = model
        directions = model.sensorDirections()
    }

    /// Share `f` of the return that does not fall off with incidence. Real sensors report
    /// a range-compensated reflectance that drops much less at grazing angles than a pure
    /// Lambertian `cos` (road paint stays visible far out), so a quarter is kept flat.
    static let diffuseFloor: Float = 0.25

    /// Azimuth blocks per sweep handed to `concurrentPerform` (more blocks than cores,
    /// so uneven blocks — open sky versus dense streets — balance out).
    static let blockCount = 48

    /// One sweep from `sensorPose` (sensor → world).
    /// - Parameters:
    ///   - ignoringOwner: owner id of the boxes the sensor is mounted on (never seen).
    ///   - noise: the key of this sweep's noise stream, e.g. `(seed, frame, agent)`.
    /// - Returns: the returns in the sensor frame, azimuth-major, beams in table order.
    func scan(in caster: RayCaster, sensorPose: Pose, ignoringOwner: Int32, noise: StatelessRandom) -> PointCloud {
        let rayCount = directions.count
        let beams = model.beamCount
        let columns = model.azimuthCount
        let rot = sensorPose.rotation.map(Float.init)
        let row0 = SIMD3(rot[0], rot[1], rot[2]), row1 = SIMD3(rot[3], rot[4], rot[5]), row2 = SIMD3(rot[6], rot[7], rot[8])
        let origin = SIMD3(Float(sensorPose.translation.x), Float(sensorPose.translation.y), Float(sensorPose.translation.z))
        let minRange = Float(model.minRangeMeters), maxRange = Float(model.maxRangeMeters)
        let rangeSigma = Float(model.rangeNoiseSigmaMeters), intensitySigma = Float(model.intensityNoiseSigma)
        let dropout = model.dropoutProbability

        var ranges = [Float](repeating: 0, count: rayCount)
        var intensities = [Float](repeating: 0, count: rayCount)
        let blocks = min(Self.blockCount, columns)
        ranges.withUnsafeMutableBufferPointer { rangeBuffer in
            intensities.withUnsafeMutableBufferPointer { intensityBuffer in
                let out = SweepBuffers(ranges: rangeBuffer, intensities: intensityBuffer)
                directions.withUnsafeBufferPointer { dirs in
                    let directionsView = ReadOnlyBuffer(base: dirs)
                    DispatchQueue.concurrentPerform(iterations: blocks) { block in
                        let c0 = block * columns / blocks, c1 = (block + 1) * columns / blocks
                        caster.withContext { context in
                            for k in (c0 * beams)..<(c1 * beams) {
                                let d = directionsView.base[k]
                                let world = SIMD3((row0 * d).sum(), (row1 * d).sum(), (row2 * d).sum())
                                guard let hit = context.cast(origin: origin, direction: world, maxDistance: maxRange, ignoringOwner: ignoringOwner) else { continue }
                                let key = UInt64(k) &* 3
                                if dropout > 0 && noise.uniform(key) < dropout { continue }
                                let range = hit.distance + rangeSigma * noise.approximateGaussian(key &+ 1)
                                guard range >= minRange, range <= maxRange else { continue }
                                let intensity = hit.reflectivity * (Self.diffuseFloor + (1 - Self.diffuseFloor) * hit.cosIncidence) + intensitySigma * noise.approximateGaussian(key &+ 2)
                                // Each block writes only its own ray indices, so writes never overlap.
                                out.ranges[k] = range
                                out.intensities[k] = min(1, max(0, intensity))
                            }
                        }
                    }
                }
            }
        }
        let hits = ranges.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        var xs = [Float](), ys = [Float](), zs = [Float](), values = [Float]()
        xs.reserveCapacity(hits); ys.reserveCapacity(hits); zs.reserveCapacity(hits); values.reserveCapacity(hits)
        for k in 0..<rayCount where ranges[k] > 0 {
            let p = directions[k] * ranges[k]
            xs.append(p.x); ys.append(p.y); zs.append(p.z); values.append(intensities[k])
        }
        // Four arrays of equal length by construction, so the shape check cannot fail.
        return (try? PointCloud(x: xs, y: ys, z: zs, intensity: values)) ?? PointCloud()
    }
}

/// The sweep's output arrays, shared by the azimuth blocks. `@unchecked Sendable` is sound
/// because each block writes a disjoint range of indices and the buffers outlive
/// `concurrentPerform`, which returns only when every block has finished.
private struct SweepBuffers: @unchecked Sendable {
    let ranges: UnsafeMutableBufferPointer<Float>
    let intensities: UnsafeMutableBufferPointer<Float>
}

/// Read-only view of the beam directions for the blocks (never written while shared).
private struct ReadOnlyBuffer: @unchecked Sendable {
    let base: UnsafeBufferPointer<SIMD3<Float>>
}
