import Foundation
import Fusion
import Perception
import Scenario
import Testing
import V2XCore

@Suite struct ScratchDiag {
    @Test func diag() throws {
        guard ProcessInfo.processInfo.environment["V2X_DIAG"] != nil else { return }
        let detector = try BEVDetector.load(from: URL(fileURLWithPath: "/work/main/models/pillars-centerpoint-vehicle"))
        let source = try ScenarioLoader.open(URL(fileURLWithPath: "/work/main/scenarios/cache/default"))
        let frame = try source.frame(at: 40)
        let ego = frame.agents[0]
        let grid = detector.config.featureGrid
        for agent in frame.agents.dropFirst() {
            let f = try detector.encode(agent.points)
            let own = try detector.detect(f).filter { ($0.score ?? 0) > 0.4 }
            let warped = try FeatureWarp(sourceGrid: grid, targetGrid: grid).warp(f.map, sourcePose: agent.lidarPose, targetPose: ego.lidarPose)
            let fromWarp = try detector.detect(BEVFeatures(grid: grid, map: warped.map)).filter { ($0.score ?? 0) > 0.4 }
            let rel = Pose.relative(from: agent.lidarPose, to: ego.lidarPose)
            let moved = own.map { $0.transformed(by: rel) }
            print(agent.agentID, "own", own.count, "warped-detect", fromWarp.count, "rel yaw", rel.yaw)
            for b in moved.prefix(8) {
                let nearest = fromWarp.min { hypot($0.x - b.x, $0.y - b.y) < hypot($1.x - b.x, $1.y - b.y) }
                if let n = nearest {
                    print(String(format: "  own→ego (%.1f, %.1f yaw %.2f s %.2f)  warped (%.1f, %.1f yaw %.2f s %.2f)  d=%.2f", b.x, b.y, b.yaw, b.score ?? 0, n.x, n.y, n.yaw, n.score ?? 0, hypot(n.x - b.x, n.y - b.y)))
                }
            }
        }
    }
}
