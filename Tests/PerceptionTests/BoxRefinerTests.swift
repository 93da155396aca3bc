import Foundation
import Perception
import Testing
import V2XCore

@Suite struct BoxRefinerTests {
    /// A car 4.5 × 1.8 m at yaw 0.3, standing on the ground 1.7 m below the sensor.
    static let car = Box3D(x: 8, y: 3, z: -0.95, l: 4.5, w: 1.8, h: 1.5, yaw: 0.3)

    /// Returns on the two faces the sensor at the origin sees (rear and right side for
    /// this car), 5 cm apart and at three heights, plus ground returns around the car.
    static func sweep(of box: Box3D) -> PointCloud {
        var cloud = PointCloud()
        let (c, s) = (cos(box.yaw), sin(box.yaw))
        func add(_ u: Double, _ v: Double, _ z: Double) {
            cloud.append(x: Float(box.x + c * u - s * v), y: Float(box.y + s * u + c * v), z: Float(z), intensity: 0.5)
        }
        for z in [box.z - 0.3, box.z, box.z + 0.5] {
            for u in stride(from: -box.l / 2, through: box.l / 2, by: 0.05) { add(u, -box.w / 2, z) }    // right side
            for v in stride(from: -box.w / 2, through: box.w / 2, by: 0.05) { add(-box.l / 2, v, z) }    // rear
        }
        for u in stride(from: -3.0, through: 3.0, by: 0.25) {
            for v in stride(from: -1.5, through: 1.5, by: 0.25) { add(u, v, box.z - box.h / 2) }       // ground
        }
        return cloud
    }

    /// The detector's guess: 7° off, 0.3 m short, its centre 0.2 m off (a typical error of
    /// the shipped detector on val is 4.5° and 0.25 m).
    static var guess: Box3D {
        var box = car
        box.yaw += 7 * .pi / 180
        box.l -= 0.3
        box.x += 0.2
        box.score = 0.8
        return box
    }

    @Test func aWellSeenCarGetsTheHeadingAndSidesOfItsReturns() throws {
        let refined = try #require(BoxRefiner().refine([Self.guess], points: Self.sweep(of: Self.car)).first)
        #expect(abs(refined.yaw - Self.car.yaw) < 0.3 * .pi / 180)
        #expect(abs(refined.w - Self.car.w) < 0.05)
        #expect(RotatedIoU.bev(refined, Self.car) > 0.9)
        #expect(RotatedIoU.bev(Self.guess, Self.car) < 0.8)
        // Score, label and height are the detector's.
        #expect(refined.score == 0.8 && refined.label == .car && refined.h == Self.car.h)
    }

    @Test func theBoxGrowsToItsReturnsButNeverShrinksBelowTheDetectorsSize() throws {
        var long = Self.guess
        long.l = 6
        let refined = try #require(BoxRefiner().refine([long], points: Self.sweep(of: Self.car)).first)
        #expect(abs(refined.l - 6) < 1e-9)
        let short = try #require(BoxRefiner().refine([Self.guess], points: Self.sweep(of: Self.car)).first)
        #expect(short.l >= Self.car.l - 0.06 && short.l <= Self.car.l + 0.05)
    }

    @Test func aWallCaughtOnlyByTheMarginIsNotPartOfTheCar() throws {
        var cloud = Self.sweep(of: Self.car)
        let (c, s) = (cos(Self.car.yaw), sin(Self.car.yaw))
        // A wall 0.65 m beyond the car's visible side (farther than two diagonal cells of
        // 0.2 m), longer than the car.
        for u in stride(from: -4.0, through: 4.0, by: 0.05) {
            let v = -Self.car.w / 2 - 0.65
            cloud.append(x: Float(Self.car.x + c * u - s * v), y: Float(Self.car.y + s * u + c * v), z: Float(Self.car.z), intensity: 0.3)
        }
        // A guess 0.6 m too wide: its margin reaches the wall, the box itself does not.
        var guess = Self.car
        guess.yaw += 2 * .pi / 180
        guess.w = 2.4
        let refined = try #require(BoxRefiner().refine([guess], points: cloud).first)
        #expect(abs(refined.w - guess.w) < 0.01)
        #expect(hypot(refined.x - Self.car.x, refined.y - Self.car.y) < 0.05)
        #expect(abs(refined.yaw - Self.car.yaw) < 0.3 * .pi / 180)
        // With cells as wide as the gap the wall joins the car and drags the box onto it.
        let merged = try #require(BoxRefiner(clusterLinkMeters: 0.65, clusterLinkPerMeter: 0).refine([guess], points: cloud).first)
        #expect(hypot(merged.x - Self.car.x, merged.y - Self.car.y) > 0.3)
    }

    @Test func sparseBoxesPedestriansAndBadPointsAreLeftAlone() throws {
        let refiner = BoxRefiner()
        let far = Box3D(x: 40, y: -20, z: -1, l: 4.4, w: 1.8, h: 1.5, yaw: 1, score: 0.5)
        var walker = Self.guess
        walker.label = .pedestrian
        let cloud = Self.sweep(of: Self.car)
        #expect(refiner.refine([far, walker], points: cloud) == [far, walker])
        #expect(refiner.refine([Self.guess], points: PointCloud()) == [Self.guess])
        var poisoned = cloud
        for _ in 0..<50 { poisoned.append(x: .nan, y: 8, z: -1, intensity: 0.5); poisoned.append(x: .infinity, y: 3, z: -1, intensity: 0.5) }
        #expect(refiner.refine([Self.guess], points: poisoned) == refiner.refine([Self.guess], points: cloud))
        var broken = Self.guess
        broken.x = .nan
        #expect(refiner.refine([broken], points: cloud).first?.x.isNaN == true)
    }

    @Test func cloudsPreparedTogetherRefitAsTheirUnion() throws {
        // The car's sweep split in two clouds, as the ego's returns and those a message carried.
        let sweep = Self.sweep(of: Self.car)
        var first = PointCloud(), second = PointCloud()
        for i in 0..<sweep.count {
            if i % 3 == 0 {
                second.append(x: sweep.x[i], y: sweep.y[i], z: sweep.z[i], intensity: sweep.intensity[i])
            } else {
                first.append(x: sweep.x[i], y: sweep.y[i], z: sweep.z[i], intensity: sweep.intensity[i])
            }
        }
        var joined = first
        joined.append(contentsOf: second)
        let refiner = BoxRefiner()
        let apart = refiner.refits([Self.guess], in: refiner.prepared([first, second], for: [Self.guess]))
        let together = refiner.refits([Self.guess], in: refiner.prepared(joined, for: [Self.guess]))
        #expect(apart.map(\.box) == together.map(\.box))
        #expect(apart.first?.refitted == true)
    }

    @Test func invalidSettingsAreRejected() throws {
        try BoxRefiner().validate()
        #expect(throws: V2XError.self) { try BoxRefiner(minimumPoints: 2).validate() }
        #expect(throws: V2XError.self) { try BoxRefiner(searchRadians: .pi / 4).validate() }
        #expect(throws: V2XError.self) { try BoxRefiner(coarseStepRadians: 0.01, fineStepRadians: 0.02).validate() }
        #expect(throws: V2XError.self) { try BoxRefiner(marginMeters: -1).validate() }
        #expect(throws: V2XError.self) { try BoxRefiner(clusterLinkMeters: 0).validate() }
        // Unvalidated settings still never crash: a box with no returns stays as it is.
        let lonely = Box3D(x: -30, y: 30, z: -1, l: 4.4, w: 1.8, h: 1.5, yaw: 0)
        #expect(BoxRefiner(minimumPoints: 0).refine([lonely], points: Self.sweep(of: Self.car)) == [lonely])
    }
}
