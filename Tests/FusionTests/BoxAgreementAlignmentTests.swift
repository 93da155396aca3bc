import Foundation
import Fusion
import Testing
import V2XCore

@Suite struct BoxAgreementAlignmentTests {
    let alignment = BoxAgreementAlignment()
    /// Six cars around the ego, in the world frame (the ego sits at the origin, unrotated).
    let cars: [(x: Double, y: Double)] = [(12, 3), (-8, 6), (20, -10), (-15, -12), (5, 25), (30, 14)]
    let egoPose = Pose(x: 0, y: 0, z: 0, yaw: 0)
    /// The collaborator's true pose: 18 m ahead, turned 40°.
    let truePose = Pose(x: 18, y: -4, z: 0, yaw: 40 * .pi / 180)
    let noise = PoseUncertainty(positionSigmaMeters: 0.4, yawSigmaRadians: 0.4 * .pi / 180)

    func box(_ x: Double, _ y: Double, score: Double = 0.9) -> Box3D {
        Box3D(x: x, y: y, z: 0, l: 4.5, w: 1.9, h: 1.6, yaw: 0, score: score)
    }

    /// The cars seen by the collaborator, in its own frame (true pose).
    func collaboratorBoxes(_ cars: [(x: Double, y: Double)]) -> [Box3D] {
        let toSensor = truePose.inverse
        return cars.map { c in
            let p = toSensor.apply(SIMD3(c.x, c.y, 0))
            var b = box(p.x, p.y)
            b.yaw = -truePose.yaw
            return b
        }
    }

    func observations(reported: Pose, uncertainty: PoseUncertainty, collaboratorCars: [(x: Double, y: Double)]? = nil)
        -> (ego: AgentObservation, collaborator: AgentObservation) {
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(nanoseconds: 0), pose: egoPose,
                                   boxes: cars.map { box($0.x, $0.y) })
        let collaborator = AgentObservation(agentID: "c", captureTime: Timestamp(nanoseconds: 0), pose: reported,
                                            poseUncertainty: uncertainty, boxes: collaboratorBoxes(collaboratorCars ?? cars))
        return (ego, collaborator)
    }

    /// Where the collaborator's frame puts a car, against where it is.
    func misplacement(_ pose: Pose) -> Double {
        let sensor = truePose.inverse.apply(SIMD3(cars[0].x, cars[0].y, 0))
        let placed = pose.apply(sensor)
        return ((placed.x - cars[0].x) * (placed.x - cars[0].x) + (placed.y - cars[0].y) * (placed.y - cars[0].y)).squareRoot()
    }

    @Test func agreementRemovesMostOfAReportedPoseError() throws {
        // Reported 0.5 m east, 0.3 m south and 0.5° off.
        let reported = Pose(x: 18.5, y: -4.3, z: 0, yaw: (40 + 0.5) * .pi / 180)
        let (ego, collaborator) = observations(reported: reported, uncertainty: noise)
        let correction = try #require(alignment.correction(of: collaborator, to: ego))
        #expect(correction.matches == 6)
        // Weights 0.81 each: W = 4.86; shrink = 0.16 / (0.16 + 0.09 / 4.86) ≈ 0.90 of the shift.
        #expect(misplacement(correction.pose) < 0.2 * misplacement(reported))
        #expect(correction.uncertainty.positionSigmaMeters < 0.4 * noise.positionSigmaMeters)
        #expect(correction.uncertainty.yawSigmaRadians < noise.yawSigmaRadians)
        let aligned = alignment.aligned(collaborator, to: ego)
        #expect(aligned.pose == correction.pose && aligned.poseUncertainty == correction.uncertainty)
    }

    @Test func anExactPoseOrTooFewMatchesAreLeftAlone() throws {
        let reported = Pose(x: 18.5, y: -4.3, z: 0, yaw: 40 * .pi / 180)
        let (ego, exact) = observations(reported: reported, uncertainty: .exact)
        #expect(alignment.correction(of: exact, to: ego) == nil)
        let (_, few) = observations(reported: reported, uncertainty: noise, collaboratorCars: Array(cars.prefix(2)))
        #expect(alignment.correction(of: few, to: ego) == nil)
        #expect(alignment.aligned(few, to: ego).pose == reported)
        // Low-scored boxes are not anchors.
        var faint = few
        faint.boxes = collaboratorBoxes(cars).map { var b = $0; b.score = 0.2; return b }
        #expect(alignment.correction(of: faint, to: ego) == nil)
    }

    @Test func aMovedCarIsDroppedAsAnOutlier() throws {
        // One car moved 1.6 m between the two sweeps (inside the gate of 1 + 3·0.4 m plus yaw).
        var moved = cars
        moved[2].x += 1.6
        let reported = Pose(x: 18.4, y: -4.2, z: 0, yaw: 40 * .pi / 180)
        let (ego, collaborator) = observations(reported: reported, uncertainty: noise, collaboratorCars: moved)
        let correction = try #require(alignment.correction(of: collaborator, to: ego))
        #expect(correction.matches == 5)
        #expect(misplacement(correction.pose) < 0.2 * misplacement(reported))
    }

    @Test func theDetectorAlignsCollaboratorsBeforeFusing() throws {
        // Reported 1.7 m off sideways: late fusion keeps both copies of every car (BEV IoU
        // below the NMS threshold) unless the pose is corrected first.
        let uncertain = PoseUncertainty(positionSigmaMeters: 1, yawSigmaRadians: 0)
        let reported = Pose(x: 18, y: -4 + 1.7, z: 0, yaw: 40 * .pi / 180)
        let (ego, collaborator) = observations(reported: reported, uncertainty: uncertain)
        func fused(_ correction: BoxAgreementAlignment?) throws -> [Box3D] {
            try CooperativeDetector(detector: CooperativeDetectorTests.detector,
                                    settings: FusionSettings(mode: .late, poseCorrection: correction))
                .detect(ego: ego, collaborators: [collaborator])
        }
        #expect(try fused(nil).count == 12)
        #expect(try fused(alignment).count == 6)
    }

    @Test func sendersShareTheirMostConfidentBoxes() {
        let boxes = (0..<30).map { box(Double($0), 0, score: Double($0) / 30) }
        let anchors = alignment.anchors(from: boxes)
        #expect(anchors.count == 16)
        #expect(anchors.first?.score == 29.0 / 30 && anchors.allSatisfy { ($0.score ?? 0) >= 0.3 })
    }
}
