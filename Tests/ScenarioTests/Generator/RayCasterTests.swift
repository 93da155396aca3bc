import Foundation
@testable import Scenario
import Testing
import V2XCore
import V2XTestSupport

@Suite("Generator ray casting")
struct RayCasterTests {
    let flatGround = GroundMaterialMap(minX: -10, minY: -10, maxX: 10, maxY: 10, cellSizeMeters: 1, background: 0.25)

    @Test("a ray meets an axis-aligned box at the hand-computed distance")
    func rayBoxAxisAligned() throws {
        // Box x ∈ [9, 11], y ∈ [-1, 1], z ∈ [0, 2]; ray from (0, 0, 1) along +x hits x = 9.
        let box = SolidBox(x: 10, y: 0, baseZ: 0, length: 2, width: 2, height: 2, yaw: 0, reflectivity: 0.5)
        let hit = try #require(box.intersection(origin: SIMD3(0, 0, 1), direction: SIMD3(1, 0, 0)))
        #expect(abs(hit.distance - 9) < 1e-12)
        #expect(abs(hit.cosIncidence - 1) < 1e-12)
        let caster = RayCaster(boxes: [box], ground: flatGround)
        let r = try #require(caster.cast(origin: SIMD3(0, 0, 1), direction: SIMD3(1, 0, 0), maxDistance: 100))
        #expect(abs(r.distance - 9) < 1e-5)
        #expect(r.boxIndex == 0)
        #expect(abs(r.reflectivity - 0.5) < 1e-6)
    }

    @Test("a box turned 45° is met at its corner edge")
    func rayBoxRotated() throws {
        // A 2 × 2 box at x = 10 turned by 45°: its near corner is at x = 10 − √2.
        let box = SolidBox(x: 10, y: 0, baseZ: 0, length: 2, width: 2, height: 2, yaw: .pi / 4, reflectivity: 0.5)
        let expected = 10 - 2.0.squareRoot()
        let hit = try #require(box.intersection(origin: SIMD3(0, 0, 1), direction: SIMD3(1, 0, 0)))
        #expect(abs(hit.distance - expected) < 1e-9)
        // A ray along +x meets a face whose normal is at 45°: cos = √2 / 2.
        #expect(abs(hit.cosIncidence - 0.5.squareRoot()) < 1e-9)
        let caster = RayCaster(boxes: [box], ground: flatGround)
        let r = try #require(caster.cast(origin: SIMD3(0, 0, 1), direction: SIMD3(1, 0, 0), maxDistance: 100))
        #expect(abs(Double(r.distance) - expected) < 1e-4)
        #expect(abs(Double(r.cosIncidence) - 0.5.squareRoot()) < 1e-4)
        // Passing just beside the corner misses.
        #expect(box.intersection(origin: SIMD3(0, 1.5, 1), direction: SIMD3(1, 0, 0)) == nil)
    }

    @Test("a downward ray meets the ground at h / sin(angle)")
    func rayGround() throws {
        let caster = RayCaster(boxes: [], ground: flatGround)
        let angle = 10.0 * .pi / 180
        let d = SIMD3(Float(cos(angle)), 0, Float(-sin(angle)))
        let r = try #require(caster.cast(origin: SIMD3(0, 0, 2), direction: d, maxDistance: 100))
        #expect(abs(Double(r.distance) - 2 / sin(angle)) < 1e-3)
        #expect(r.boxIndex == nil)
        #expect(abs(Double(r.cosIncidence) - sin(angle)) < 1e-5)
        #expect(abs(r.reflectivity - 0.25) < 1e-6)
        // An upward ray, or one whose ground hit lies beyond the range, returns nothing.
        #expect(caster.cast(origin: SIMD3(0, 0, 2), direction: SIMD3(0.995, 0, 0.0998), maxDistance: 100) == nil)
        #expect(caster.cast(origin: SIMD3(0, 0, 2), direction: d, maxDistance: 5) == nil)
    }

    @Test("the nearer of two boxes wins, and an ignored owner is seen through")
    func nearestAndOwner() throws {
        let near = SolidBox(x: 5, y: 0, baseZ: 0, length: 1, width: 4, height: 3, yaw: 0, reflectivity: 0.3, ownerID: 7)
        let far = SolidBox(x: 20, y: 0, baseZ: 0, length: 1, width: 4, height: 3, yaw: 0, reflectivity: 0.8)
        let caster = RayCaster(boxes: [far, near], ground: flatGround)
        let o = SIMD3<Float>(0, 0, 1), d = SIMD3<Float>(1, 0, 0)
        #expect(try #require(caster.cast(origin: o, direction: d, maxDistance: 100)).boxIndex == 1)
        let through = try #require(caster.cast(origin: o, direction: d, maxDistance: 100, ignoringOwner: 7))
        #expect(through.boxIndex == 0)
        #expect(abs(through.distance - 19.5) < 1e-4)
    }

    @Test("the hierarchy finds the same nearest hit as a loop over every box", arguments: [1, 2, 3])
    func hierarchyMatchesBruteForce(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        func u(_ a: Double, _ b: Double) -> Double { Double.random(in: a..<b, using: &rng) }
        let boxes = (0..<400).map { i in
            SolidBox(x: u(-60, 60), y: u(-60, 60), baseZ: u(0, 3), length: u(0.3, 12), width: u(0.3, 6), height: u(0.5, 20),
                     yaw: u(-.pi, .pi), reflectivity: u(0, 1), ownerID: Int32(i % 5))
        }
        let caster = RayCaster(boxes: boxes, ground: flatGround)
        var hits = 0
        for _ in 0..<3000 {
            let origin = SIMD3(u(-50, 50), u(-50, 50), u(0.5, 8))
            let el = u(-0.6, 0.3), az = u(-.pi, .pi)
            let dir = SIMD3(cos(el) * cos(az), cos(el) * sin(az), sin(el))
            let ignored = Int32(Int.random(in: -1...4, using: &rng))
            var best: (Double, Int)?
            for (i, b) in boxes.enumerated() where b.ownerID != ignored {
                if let h = b.intersection(origin: origin, direction: dir), h.distance < 200, h.distance < (best?.0 ?? .infinity) {
                    best = (h.distance, i)
                }
            }
            let fo = SIMD3<Float>(Float(origin.x), Float(origin.y), Float(origin.z))
            let fd = SIMD3<Float>(Float(dir.x), Float(dir.y), Float(dir.z))
            let got = caster.hierarchy.nearestHit(origin: fo, direction: fd, maxDistance: 200, ignoringOwner: ignored)
            #expect((got == nil) == (best == nil))
            if let got, let best {
                hits += 1
                // Float versus Double: agree on the distance; the box may differ only on an exact tie.
                #expect(abs(Double(got.distance) - best.0) < 2e-3)
                if got.boxIndex != best.1 {
                    let other = try #require(boxes[got.boxIndex].intersection(origin: origin, direction: dir))
                    #expect(abs(other.distance - best.0) < 2e-3)
                }
            }
        }
        #expect(hits > 500)
    }
}
