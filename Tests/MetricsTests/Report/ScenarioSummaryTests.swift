import Foundation
import Metrics
import Scenario
import Testing
import V2XTestSupport

@Suite struct ScenarioSummaryTests {
    @Test func countsCooperativeAndEgoVisibleObjects() throws {
        let scenario = try InMemoryScenario.twoCars(frames: 2)
        let exporter = GroundTruthExporter()
        var summary = ScenarioSummary()
        for i in 0..<2 {
            let frame = try scenario.frame(at: i)
            summary.add(frame, groundTruth: try exporter.frame(frame, egoID: "650", scenario: scenario.name))
        }
        // Car 1 is seen by the ego, car 2 only by the collaborator, car 3 by nobody.
        #expect(summary.frames == 2)
        #expect(summary.cooperativeObjects == [2, 2])
        #expect(summary.egoVisibleObjects == [1, 1])
        #expect(summary.lines.last?.contains("50% need cooperation") == true)
    }

    @Test func writesItsJSONKeys() throws {
        let dir = try TemporaryDirectory()
        var summary = ScenarioSummary()
        let scenario = try InMemoryScenario.twoCars(frames: 1)
        let frame = try scenario.frame(at: 0)
        summary.add(frame, groundTruth: try GroundTruthExporter().frame(frame, egoID: "650", scenario: "s"))
        try summary.writeJSON(to: dir.file("summary.json"), scenario: "s", ego: "650")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.file("summary.json"))) as? [String: Any])
        #expect(object["frames"] as? Int == 1)
        #expect(object["mean_gt_objects"] as? Double == 2)
        #expect(object["mean_ego_visible_objects"] as? Double == 1)
    }
}
