import Foundation
import Fusion
import Testing
import V2XCore

@Suite struct BaselineTests {
    static func car(x: Double, y: Double, score: Double = 0.9) -> Box3D {
        Box3D(x: x, y: y, z: 0, l: 4.5, w: 1.9, h: 1.6, yaw: 0, score: score, label: .car)
    }

    @Test func lateFusionPlacesCollaboratorBoxesInTheEgoFrameAndDropsDuplicates() throws {
        let t = Timestamp(seconds: 10)
        let ego = AgentObservation(agentID: "ego", captureTime: t, pose: Pose(x: 100, y: 0, z: 0, yaw: 0), boxes: [Self.car(x: 10, y: 0)])
        // The collaborator, turned 180° at x = 120, sees the same car 10 m ahead of it and another behind the ego.
        let other = AgentObservation(agentID: "b", captureTime: t, pose: Pose(x: 120, y: 0, z: 0, yaw: .pi),
                                     boxes: [Self.car(x: 10, y: 0, score: 0.8), Self.car(x: 40, y: 0, score: 0.7)])
        let fused = try LateFusion().fuse(ego: ego, collaborators: [other])
        #expect(fused.count == 2)
        #expect(abs(fused[0].x - 10) < 1e-9 && fused[0].score == 0.9)
        #expect(abs(fused[1].x - -20) < 1e-9 && abs(fused[1].y) < 1e-9)
    }

    @Test func timeCompensationExtrapolatesAlongTheObservedVelocity() throws {
        // A car moving +x at 10 m/s; the collaborator saw it at x = 0 (t = 9.9) and x = 1 (t = 10.0).
        let previous = BoxSnapshot(captureTime: Timestamp(seconds: 9.9), pose: .identity, boxes: [Self.car(x: 0, y: 5)])
        let other = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 10), pose: .identity,
                                     boxes: [Self.car(x: 1, y: 5)], history: [previous])
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 10.2), pose: .identity)
        let compensated = try LateFusion().fuse(ego: ego, collaborators: [other])
        #expect(abs(compensated[0].x - 3) < 1e-6)
        let raw = try LateFusion(compensatesMotion: false).fuse(ego: ego, collaborators: [other])
        #expect(abs(raw[0].x - 1) < 1e-6)
        // Beyond the gate (40 m/s × 0.1 s) no match, no extrapolation.
        var far = other
        far.history = [BoxSnapshot(captureTime: Timestamp(seconds: 9.9), pose: .identity, boxes: [Self.car(x: -10, y: 5)])]
        #expect(abs(try LateFusion().fuse(ego: ego, collaborators: [far])[0].x - 1) < 1e-6)
    }

    @Test func earlyFusionMovesEveryPointIntoTheEgoFrame() throws {
        let egoPoints = try PointCloud(x: [1], y: [0], z: [0], intensity: [0.5])
        let otherPoints = try PointCloud(x: [1], y: [0], z: [0], intensity: [0.25])
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 0), pose: .identity, points: egoPoints)
        let other = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 0), pose: Pose(x: 5, y: 0, z: 0, yaw: .pi / 2), points: otherPoints)
        let merged = try EarlyFusion.mergedPoints(ego: ego, collaborators: [other])
        #expect(merged.count == 2)
        #expect(abs(merged.x[1] - 5) < 1e-5 && abs(merged.y[1] - 1) < 1e-5 && merged.intensity[1] == 0.25)
        var missing = other
        missing.points = nil
        #expect(throws: V2XError.self) { try EarlyFusion.mergedPoints(ego: ego, collaborators: [missing]) }
    }
}
