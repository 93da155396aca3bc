import Foundation
import Testing
import V2XCore
import V2XTestSupport
@testable import Metrics

@Suite struct GroundTruthExporterTests {
    @Test func cooperativeGroundTruthWithVisibility() throws {
        let scenario = try InMemoryScenario.twoCars()
        // The roadside unit comes first but is not a vehicle: the default ego is 650.
        #expect(try GroundTruthExporter.defaultEgoID(of: scenario) == "650")
        let frames = try GroundTruthExporter().frames(from: scenario)
        #expect(frames.count == 2 && frames.map(\.record.frame) == ["000000", "000002"])
        let f = frames[0]
        // Car 3 has no returns anywhere and is left out; car 1 is ego-visible, car 2
        // cooperative-only (20 returns from 659 only).
        #expect(f.record.boxes.count == 2 && f.record.ego == "650" && f.record.scenario == "mem")
        #expect(f.visibility == [BoxVisibility(egoPoints: 20, totalPoints: 20), BoxVisibility(egoPoints: 0, totalPoints: 20)])
        #expect(abs(f.record.boxes[1].x - 50) < 1e-9 && f.record.boxes[1].label == .truck)
        // From 659's point of view the same truck is 10 m ahead.
        let other = try GroundTruthExporter().frames(from: scenario, egoID: "659")
        #expect(abs(other[0].record.boxes[1].x - 10) < 1e-9 && other[0].visibility[1]?.isEgoVisible == true)
        #expect(throws: V2XError.self) { try GroundTruthExporter().frames(from: scenario, egoID: "404") }
    }

    @Test func exportedFileScoresPerfectDetectionsAsOne() throws {
        let scenario = try InMemoryScenario.twoCars()
        let dir = try TemporaryDirectory()
        let url = dir.file("gt.jsonl")
        try GroundTruthFile.write(try GroundTruthExporter().frames(from: scenario), to: url)
        let truth = try GroundTruthFile.read(from: url)
        let preds = truth.map { f in
            FrameBoxes(scenario: f.record.scenario, frame: f.record.frame, ego: f.record.ego, timestamp: f.record.timestamp,
                       boxes: f.record.boxes.prefix(1).map { var b = $0; b.score = 0.9; return b })
        }
        let report = try DetectionEvaluator().evaluate(predictions: preds, groundTruth: truth)
        // Only the ego-visible car is detected: recall 1 on ego-visible, 0 cooperative-only,
        // AP = 0.5 (recall 0.5 at precision 1).
        #expect(report.overall.ap70 == 0.5)
        #expect(report.byVisibility?.map(\.summary.recall) == [[1, 1, 1], [0, 0, 0]])
    }

    @Test func frameSelection() throws {
        let ids = ["000068", "000070", "000072", "000074"]
        #expect(try FrameSelection.parse("000070", frameIDs: ids) == [1])
        #expect(try FrameSelection.parse("3,0..2,000068", frameIDs: ids) == [3, 0, 1, 2])
        #expect(throws: V2XError.self) { try FrameSelection.parse("9", frameIDs: ids) }
        #expect(throws: V2XError.self) { try FrameSelection.parse("2..1", frameIDs: ids) }
        #expect(throws: V2XError.self) { try FrameSelection.parse("", frameIDs: ids) }
    }
}
