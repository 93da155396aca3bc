import Foundation
import Perception
import Testing
import V2XCore

@Suite struct BoxRefinerReturnsTests {
    @Test func aBoxCarriesTheReturnsItsRefitGathersThinnedEvenly() throws {
        let car = BoxRefinerTests.car
        let sweep = BoxRefinerTests.sweep(of: car)
        let refiner = BoxRefiner()
        let all = try #require(refiner.returns(of: [car], points: sweep, limit: 100_000).first)
        // Every face return (all above the floor plus clearance); the ground returns stay out.
        let floor = car.z - car.h / 2 + refiner.groundClearanceMeters
        #expect(all.count == sweep.z.filter { Double($0) >= floor }.count && all.count > 300)
        #expect(all.allSatisfy { $0.z >= car.z - car.h / 2 + refiner.groundClearanceMeters })
        // Refitting to them alone gives the same box as refitting to the whole sweep.
        var cloud = PointCloud()
        for p in all { cloud.append(x: Float(p.x), y: Float(p.y), z: Float(p.z), intensity: 0) }
        let guess = BoxRefinerTests.guess
        #expect(refiner.refine([guess], points: cloud) == refiner.refine([guess], points: sweep))
        // A limit keeps every k-th, the first included.
        let thinned = try #require(refiner.returns(of: [car], points: sweep, limit: 50).first)
        let stride = (all.count + 49) / 50
        #expect(thinned.count <= 50 && thinned == Swift.stride(from: 0, to: all.count, by: stride).map { all[$0] })
    }

    @Test func aCloudPreparedOnceRefitsEveryBatchWithinItsHeights() throws {
        let sweep = BoxRefinerTests.sweep(of: BoxRefinerTests.car)
        let refiner = BoxRefiner()
        // Prepared for the guess and a bus elsewhere (a taller height range), then used for the guess alone.
        let bus = Box3D(x: -20, y: 5, z: 0, l: 12, w: 2.6, h: 3.4, yaw: 0, score: 0.6)
        let prepared = refiner.prepared(sweep, for: [BoxRefinerTests.guess, bus])
        let later = try #require(refiner.refits([BoxRefinerTests.guess], in: prepared).first)
        let direct = try #require(refiner.refits([BoxRefinerTests.guess], points: sweep).first)
        #expect(later.refitted && direct.refitted)
        #expect(abs(later.box.yaw - direct.box.yaw) < 1e-3 && abs(later.box.x - direct.box.x) < 1e-2 && abs(later.box.l - direct.box.l) < 1e-2)
        // Nothing to refit against: every box as given.
        let empty = refiner.prepared(PointCloud(), for: [bus])
        #expect(refiner.refits([bus], in: empty).map(\.refitted) == [false])
    }

    @Test func nonVehiclesEmptyCloudsAndAZeroLimitCarryNothing() {
        let car = BoxRefinerTests.car
        var walker = car
        walker.label = .pedestrian
        let sweep = BoxRefinerTests.sweep(of: car)
        let out = BoxRefiner().returns(of: [walker, car], points: sweep, limit: 64)
        #expect(out.count == 2 && out[0].isEmpty && (33...64).contains(out[1].count))
        #expect(BoxRefiner().returns(of: [car], points: sweep, limit: 0) == [[]])
        #expect(BoxRefiner().returns(of: [car], points: PointCloud(), limit: 64) == [[]])
    }
}
