import Foundation
import Testing
import Scenario
import V2XCore
import V2XTestSupport
@testable import Metrics

@Suite struct BEVRendererTests {
    private func agent(_ id: String, at x: Double, yaw: Double = 0, points: [SIMD3<Float>]) throws -> AgentFrame {
        let cloud = try PointCloud(x: points.map(\.x), y: points.map(\.y), z: points.map(\.z), intensity: points.map { _ in 1 })
        return AgentFrame(
            agentID: id, kind: .vehicle, timestamp: Timestamp(nanoseconds: 0),
            lidarPose: Pose(x: x, y: 0, z: 1.8, yaw: yaw), points: cloud, objects: []
        )
    }

    @Test func sceneMovesCollaboratorPointsIntoTheEgoFrame() throws {
        // Collaborator 10 m ahead of the ego, turned 90° left: its point 1 m ahead of itself
        // lies at (10, 1) in the ego frame.
        let frame = ScenarioFrame(index: 0, frameID: "000001", agents: [
            try agent("2", at: 10, yaw: .pi / 2, points: [SIMD3(1, 0, 0)]), try agent("1", at: 0, points: [SIMD3(5, 5, 0)]),
        ])
        let scene = try BEVScene(frame: frame, egoID: "1", title: "t", groundTruth: [], detections: [])
        #expect(scene.agents.map(\.id) == ["1", "2"])
        #expect(abs(scene.agents[1].points.x[0] - 10) < 1e-5 && abs(scene.agents[1].points.y[0] - 1) < 1e-5)
        #expect(abs(scene.agents[1].poseInEgo.yaw - .pi / 2) < 1e-12)
        #expect(throws: V2XError.self) { try BEVScene(frame: frame, egoID: "9", title: "", groundTruth: [], detections: []) }
    }

    @Test func forwardIsUpAndLeftIsLeft() throws {
        let r = try BEVRenderer(pixelsPerMeter: 4)
        #expect(r.width == 410 && r.height == 410)
        let ahead = r.pixel(x: 10, y: 0), left = r.pixel(x: 0, y: 10), centre = r.pixel(x: 0, y: 0)
        #expect(ahead.y < centre.y && ahead.x == centre.x)
        #expect(left.x < centre.x && left.y == centre.y)
    }

    @Test func layersLandWhereTheyBelong() throws {
        let r = try BEVRenderer(pixelsPerMeter: 4)
        let grid = try BEVGrid(minX: -51.2, maxX: 51.2, minY: -51.2, maxY: 51.2, cellSizeMeters: 3.2)
        var mask = [Bool](repeating: false, count: grid.cellCount)
        // Cell holding (-20, -20): heat drawn there.
        let cell = try #require(grid.cell(x: -20, y: -20))
        mask[cell.row * grid.width + cell.column] = true
        let cloud = try PointCloud(x: [20], y: [-30], z: [0], intensity: [1])
        let scene = BEVScene(
            title: "TEST",
            agents: [BEVScene.Agent(id: "1", kind: .vehicle, poseInEgo: .identity, points: cloud)],
            groundTruth: [Box3D(x: 20, y: 20, z: 0, l: 4, w: 2, h: 1.5, yaw: 0)],
            detections: [Box3D(x: -30, y: 20, z: 0, l: 4, w: 2, h: 1.5, yaw: 0, score: 0.5)],
            heat: try CellHeatLayer(grid: grid, mask: mask)
        )
        let canvas = try r.render(scene)
        // GT's front edge runs across x = 22 m at y = 20 m (pixel centre of its middle).
        let gtEdge = r.pixel(x: 22, y: 20)
        #expect(canvas[Int(gtEdge.x), Int(gtEdge.y)] == .groundTruth)
        // Detection's rear edge at x = −32 m.
        let detEdge = r.pixel(x: -32, y: 20.5)
        #expect(canvas[Int(detEdge.x), Int(detEdge.y)] == .detection)
        let point = r.pixel(x: 20, y: -30)
        #expect(canvas[Int(point.x), Int(point.y)] != .night)
        let hot = r.pixel(x: -20, y: -20)
        #expect(canvas[Int(hot.x), Int(hot.y)] != .night)
        let empty = r.pixel(x: -20, y: 30)
        #expect(canvas[Int(empty.x), Int(empty.y)] == .night)
        #expect(throws: V2XError.self) { try CellHeatLayer(grid: grid, values: [1, 2]) }
        #expect(throws: V2XError.self) { try BEVRenderer(pixelsPerMeter: 0) }
    }
}
