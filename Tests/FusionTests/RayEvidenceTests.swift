import Foundation
@testable import Fusion
import Testing
import V2XCore
import V2XTestSupport

@Suite struct RayEvidenceTests {
    /// The counts by testing every return against the box: the reference the sector index
    /// must agree with.
    static func bruteForce(_ box: Box3D, _ cloud: PointCloud) -> RayEvidence.Counts {
        guard !box.footprintContains(x: 0, y: 0) else { return RayEvidence.Counts() }
        let bottom = box.z - box.h / 2 + RayEvidence.groundClearanceMeters, top = box.z + box.h / 2
        var counts = RayEvidence.Counts()
        for i in 0..<cloud.count {
            let p = SIMD3(Double(cloud.x[i]), Double(cloud.y[i]), Double(cloud.z[i]))
            if box.footprintContains(x: p.x, y: p.y) {
                if p.z >= bottom, p.z <= top { counts.onObject += 1 }
                continue
            }
            // Walk the ray in small steps: does it cross the box's volume before its return?
            var crosses = false
            for k in 1..<2000 where !crosses {
                let q = p * (Double(k) / 2000)
                crosses = box.footprintContains(x: q.x, y: q.y) && q.z >= bottom && q.z <= top
            }
            if crosses { counts.through += 1 }
        }
        return counts
    }

    @Test func returnsOnABoxAndRaysThroughItAreCounted() throws {
        // A box 10 m ahead on +x (straddling the sectors' seam), x 8…12, y ±1, z −1.8…−0.2: two
        // returns on it, one on the ground under it, one behind it whose ray crosses it at
        // z −0.4…−0.6 (so nothing solid is there), one beside it and one behind it whose ray
        // passes below it.
        let box = Box3D(x: 10, y: 0, z: -1, l: 4, w: 2, h: 1.6, yaw: 0)
        var cloud = PointCloud()
        cloud.append(x: 8.05, y: 0.3, z: -1, intensity: 0)       // on its near face
        cloud.append(x: 8.05, y: -0.5, z: -0.5, intensity: 0)    // on its near face
        cloud.append(x: 9, y: 0, z: -1.75, intensity: 0)          // ground under it
        cloud.append(x: 20, y: 0.2, z: -1, intensity: 0)          // behind it, through it
        cloud.append(x: 20, y: 5, z: -1, intensity: 0)            // off to the side
        cloud.append(x: 20, y: 0, z: -5, intensity: 0)            // behind, below it where it crosses (z −2…−3)
        let evidence = RayEvidence(cloud)
        #expect(evidence.counts(for: box) == RayEvidence.Counts(onObject: 2, through: 1))
        #expect(evidence.counts(for: box) == Self.bruteForce(box, cloud))
        // A box holding the sensor has neither.
        #expect(evidence.counts(for: Box3D(x: 1, y: 0, z: -1, l: 4, w: 2, h: 1.6, yaw: 0)) == RayEvidence.Counts())
    }

    @Test func theSectorIndexAgreesWithTestingEveryReturn() throws {
        var rng = SeededGenerator(seed: 11)
        var cloud = PointCloud()
        for _ in 0..<4000 {
            let r = Double.random(in: 2...60, using: &rng), a = Double.random(in: -.pi ... .pi, using: &rng)
            cloud.append(x: Float(r * cos(a)), y: Float(r * sin(a)), z: Float.random(in: -2.2...0.5, using: &rng), intensity: 0)
        }
        cloud.append(x: .nan, y: 1, z: 0, intensity: 0)
        let evidence = RayEvidence(cloud)
        var checked = 0
        for _ in 0..<60 {
            let r = Double.random(in: 4...40, using: &rng), a = Double.random(in: -.pi ... .pi, using: &rng)
            let box = Box3D(x: r * cos(a), y: r * sin(a), z: -1, l: Double.random(in: 3...12, using: &rng), w: 2,
                            h: Double.random(in: 1.4...3.5, using: &rng), yaw: Double.random(in: -.pi ... .pi, using: &rng))
            let reference = Self.bruteForce(box, cloud.droppingNonFinite())
            let indexed = evidence.counts(for: box)
            // The reference walks rays in steps, so a ray grazing a corner may differ by one.
            #expect(indexed.onObject == reference.onObject)
            #expect(abs(indexed.through - reference.through) <= 1, "\(box): \(indexed) vs \(reference)")
            checked += indexed.through
        }
        #expect(checked > 0)
    }

    @Test func theDiamondAngleRisesOnceAroundATurn() {
        let angles = stride(from: -Double.pi + 0.01, to: Double.pi, by: 0.05).map { a -> Double in
            let d = RayEvidence.diamondAngle(x: cos(a), y: sin(a))
            return a < 0 ? d - 4 : d
        }
        let rising = zip(angles, angles.dropFirst()).allSatisfy { $0 < $1 }
        #expect(rising)
        #expect(RayEvidence.diamondAngle(x: 1, y: 0) == 0 && RayEvidence.diamondAngle(x: 0, y: 1) == 1)
        #expect(RayEvidence.diamondAngle(x: -1, y: 0) == 2 && RayEvidence.diamondAngle(x: 0, y: -1) == 3)
    }
}
