import Foundation
@testable import Fusion
import Testing
import V2XCore
import V2XTestSupport

@Suite struct RayEvidenceTests {
    /// The counts by testing every return against the box, no sectors: the reference the
    /// sector index must agree with (the crossing itself is checked by hand above).
    static func bruteForce(_ box: Box3D, _ cloud: PointCloud) -> RayEvidence.Counts {
        guard !box.footprintContains(x: 0, y: 0) else { return RayEvidence.Counts() }
        let c = cos(box.yaw), s = sin(box.yaw)
        let bottom = box.z - box.h / 2 + RayEvidence.groundClearanceMeters, top = box.z + box.h / 2
        func local(_ x: Double, _ y: Double) -> (Double, Double) {
            (c * (x - box.x) + s * (y - box.y), -s * (x - box.x) + c * (y - box.y))
        }
        var counts = RayEvidence.Counts()
        for i in 0..<cloud.count {
            let p = SIMD3(Double(cloud.x[i]), Double(cloud.y[i]), Double(cloud.z[i]))
            if box.footprintContains(x: p.x, y: p.y) {
                if p.z >= bottom, p.z <= top { counts.onObject += 1 }
                continue
            }
            guard let (enter, exit) = RayEvidence.footprintCrossing(from: local(0, 0), to: local(p.x, p.y), halfLength: box.l / 2, halfWidth: box.w / 2),
                  exit < 1 else { continue }
            if max(enter * p.z, exit * p.z) >= bottom, min(enter * p.z, exit * p.z) <= top { counts.through += 1 }
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
        // Most returns near, some beyond the last range bin (128 m).
        for k in 0..<4400 {
            let r = k < 4000 ? Double.random(in: 2...60, using: &rng) : Double.random(in: 60...200, using: &rng)
            let a = Double.random(in: -.pi ... .pi, using: &rng)
            cloud.append(x: Float(r * cos(a)), y: Float(r * sin(a)), z: Float.random(in: -2.2...0.5, using: &rng), intensity: 0)
        }
        cloud.append(x: .nan, y: 1, z: 0, intensity: 0)
        let evidence = RayEvidence(cloud)
        var checked = 0
        for k in 0..<80 {
            let r = k < 60 ? Double.random(in: 4...40, using: &rng) : Double.random(in: 100...160, using: &rng)
            let a = Double.random(in: -.pi ... .pi, using: &rng)
            let box = Box3D(x: r * cos(a), y: r * sin(a), z: -1, l: Double.random(in: 3...12, using: &rng), w: 2,
                            h: Double.random(in: 1.4...3.5, using: &rng), yaw: Double.random(in: -.pi ... .pi, using: &rng))
            let reference = Self.bruteForce(box, cloud.droppingNonFinite())
            let indexed = evidence.counts(for: box)
            #expect(indexed == reference, "\(box): \(indexed) vs \(reference)")
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
