import Foundation
@testable import Scenario
import Testing
import V2XCore

@Suite("Generator LiDAR")
struct LidarScannerTests {
    let ground = GroundMaterialMap(minX: -100, minY: -100, maxX: 100, maxY: 100, cellSizeMeters: 1, background: 0.2)

    func carBox(x: Double) -> (VehicleBlueprint, Box3D) {
        let blueprint = VehicleBlueprint(label: .car, length: 4.5, width: 1.8, height: 1.5, paintReflectivity: 0.6)
        return (blueprint, blueprint.box(x: x, y: 0, yaw: 0))
    }

    func returns(in box: Box3D, of cloud: PointCloud, pose: Pose) -> Int {
        let world = cloud.transformed(by: pose)
        return (0..<world.count).filter { i in
            box.contains(SIMD3(Double(world.x[i]), Double(world.y[i]), Double(world.z[i])), margin: 0.1) && world.z[i] > 0.2
        }.count
    }

    @Test("a car in the open gets returns; behind a wall it gets none")
    func occlusion() throws {
        let scanner = LidarScanner(model: try GeneratorFixtures.smallLidar())
        let (blueprint, box) = carBox(x: 20)
        let car = blueprint.solids(x: box.x, y: box.y, yaw: box.yaw, ownerID: 5)
        let wall = SolidBox(x: 12, y: 0, baseZ: 0, length: 0.3, width: 12, height: 4, yaw: 0, reflectivity: 0.4)
        let pose = Pose(x: 0, y: 0, z: 1.8, yaw: 0)
        let noise = StatelessRandom(1, 2, 3)
        let open = scanner.scan(in: RayCaster(boxes: car, ground: ground), sensorPose: pose, ignoringOwner: -99, noise: noise)
        #expect(returns(in: box, of: open, pose: pose) > 8)
        let hidden = scanner.scan(in: RayCaster(boxes: car + [wall], ground: ground), sensorPose: pose, ignoringOwner: -99, noise: noise)
        #expect(returns(in: box, of: hidden, pose: pose) == 0)
        // The sensor never sees the vehicle it is mounted on.
        let own = scanner.scan(in: RayCaster(boxes: car, ground: ground), sensorPose: Pose(x: 20, y: 0, z: 1.8, yaw: 0), ignoringOwner: 5, noise: noise)
        #expect(returns(in: box, of: own, pose: Pose(x: 20, y: 0, z: 1.8, yaw: 0)) == 0)
    }

    @Test("sweeps are identical for one noise key and differ for another; ranges stay in limits")
    func determinism() throws {
        let model = try GeneratorFixtures.smallLidar(dropout: 0.1, rangeNoise: 0.05)
        let scanner = LidarScanner(model: model)
        let boxes = (0..<30).map { i in
            SolidBox(x: Double(i % 6) * 12 - 30, y: Double(i / 6) * 12 - 30, baseZ: 0, length: 4, width: 3, height: 6, yaw: Double(i), reflectivity: 0.5)
        }
        let caster = RayCaster(boxes: boxes, ground: ground)
        let pose = Pose(x: 1, y: 2, z: 1.9, yaw: 0.3)
        let a = scanner.scan(in: caster, sensorPose: pose, ignoringOwner: -99, noise: StatelessRandom(7, 1, 0))
        let b = scanner.scan(in: caster, sensorPose: pose, ignoringOwner: -99, noise: StatelessRandom(7, 1, 0))
        let c = scanner.scan(in: caster, sensorPose: pose, ignoringOwner: -99, noise: StatelessRandom(8, 1, 0))
        #expect(a == b)
        #expect(a != c)
        #expect(a.count > 1000 && a.count < model.raysPerSweep)
        for i in 0..<a.count {
            let r = (a.x[i] * a.x[i] + a.y[i] * a.y[i] + a.z[i] * a.z[i]).squareRoot()
            #expect(r >= Float(model.minRangeMeters) && r <= Float(model.maxRangeMeters))
            #expect(a.intensity[i] >= 0 && a.intensity[i] <= 1)
        }
    }

    @Test("dropout removes about the configured share of returns")
    func dropout() throws {
        let caster = RayCaster(boxes: [], ground: ground)
        let pose = Pose(x: 0, y: 0, z: 2, yaw: 0)
        let full = LidarScanner(model: try GeneratorFixtures.smallLidar(dropout: 0)).scan(in: caster, sensorPose: pose, ignoringOwner: -99, noise: StatelessRandom(1))
        let lossy = LidarScanner(model: try GeneratorFixtures.smallLidar(dropout: 0.3)).scan(in: caster, sensorPose: pose, ignoringOwner: -99, noise: StatelessRandom(1))
        let kept = Double(lossy.count) / Double(full.count)
        #expect(abs(kept - 0.7) < 0.03)
    }
}
