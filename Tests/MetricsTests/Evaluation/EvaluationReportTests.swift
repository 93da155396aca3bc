import Foundation
import Testing
import V2XCore
@testable import Metrics

@Suite struct EvaluationReportTests {
    typealias B = TestBoxes

    private func sampleReport(perFrame: Bool = false) throws -> EvaluationReport {
        let truth = try GroundTruthFrame(record: B.frame("0", [B.car(0, 0), B.car(40, 0, label: .truck)]), visibility: [
            BoxVisibility(egoPoints: 4, totalPoints: 9), BoxVisibility(egoPoints: 0, totalPoints: 3),
        ])
        var report = try DetectionEvaluator(options: EvaluationOptions(perFrame: perFrame))
            .evaluate(predictions: [B.frame("0", [B.car(0, 0, score: 0.9)])], groundTruth: [truth])
        report.communication = CommunicationSummary(messages: [MessageRecord(agent: "2", frame: "0", bytes: 1024, cellsSent: 1, cellsTotal: 8)])
        report.latency = LatencySummary(records: [LatencyRecord(agent: "1", stage: "fuse", frame: "0", nanoseconds: 2_000_000)])
        return report
    }

    @Test func jsonKeysAreTheDocumentedOnes() throws {
        let data = Data(try sampleReport(perFrame: true).jsonString().utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let summaryKeys: Set = ["num_gt", "num_pred", "ap30", "ap50", "ap70", "recall30", "recall50", "recall70"]
        #expect(Set(object.keys) == summaryKeys.union([
            "protocol", "category", "region", "frames", "by_range", "by_class", "by_visibility", "per_frame", "communication", "latency",
        ]))
        #expect(object["protocol"] as? String == "default" && object["frames"] as? Int == 1)
        let region = try #require(object["region"] as? [String: Any])
        #expect(Set(region.keys) == ["min_x", "max_x", "min_y", "max_y", "rule"] && region["rule"] as? String == "center")
        let ranges = try #require(object["by_range"] as? [String: [String: Any]])
        #expect(Set(ranges.keys) == ["0-30", "30-50", "50+"])
        #expect(Set(ranges["50+"]?.keys ?? [:].keys) == summaryKeys)
        #expect(ranges["50+"]?["ap50"] is NSNull)
        let visibility = try #require(object["by_visibility"] as? [String: [String: Any]])
        #expect(Set(visibility.keys) == ["ego_visible", "cooperative_only"])
        #expect(Set(visibility["ego_visible"]?.keys ?? [:].keys) == ["num_gt", "recall30", "recall50", "recall70"])
        let frames = try #require(object["per_frame"] as? [[String: Any]])
        #expect(Set(frames[0].keys) == ["scenario", "frame", "ego", "num_gt", "num_pred", "tp30", "fp30", "tp50", "fp50", "tp70", "fp70"])
        let comm = try #require(object["communication"] as? [String: Any])
        #expect(Set(comm.keys) == [
            "messages", "agent_frames", "total_bytes", "bytes_per_agent_frame", "log2_bytes", "mbit_per_second",
            "fraction_cells_sent", "sensor_rate_hz", "per_agent",
        ])
        #expect(comm["log2_bytes"] as? Double == 10)
        let latency = try #require((object["latency"] as? [String: Any])?["stages"] as? [String: [String: Any]])
        #expect(Set(latency["fuse"]?.keys ?? [:].keys) == ["count", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"])
        // Without --per-frame and logs those keys are absent, the others stay.
        let plain = try DetectionEvaluator().evaluate(predictions: [], groundTruth: [GroundTruthFrame(record: B.frame("0", []))])
        let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.jsonString().utf8)) as? [String: Any])
        #expect(plainObject["per_frame"] == nil && plainObject["communication"] == nil && plainObject["by_visibility"] is NSNull)
        #expect(plainObject["ap50"] is NSNull)
    }

    @Test func tablesForPeople() throws {
        let text = try sampleReport().lines(markdown: false)
        #expect(text[0].hasPrefix("v2x eval — protocol default, category vehicle"))
        let all = try #require(text.first { $0.hasPrefix("all ") })
        // 2 GT, 1 detection; AP = 0.5 at every threshold (recall 0.5 at precision 1).
        #expect(all.split(separator: " ").map(String.init) == ["all", "2", "1", "0.500", "0.500", "0.500", "0.500", "0.500", "0.500"])
        #expect(text.contains { $0.hasPrefix("visibility cooperative_only") && $0.hasSuffix("0.000  0.000  0.000") })
        #expect(text.contains { $0.hasPrefix("fuse ") })
        let markdown = try sampleReport().lines(markdown: true)
        #expect(markdown.contains("| all | 2 | 1 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 | 0.500 |"))
        #expect(markdown.contains { $0.hasPrefix("| --- | --: |") })
    }

    @Test func syntheticSetIsReproducibleAndScoresSensibly() throws {
        let a = try SyntheticEvaluationSet(frames: 20, boxesPerFrame: 30, seed: 5)
        let b = try SyntheticEvaluationSet(frames: 20, boxesPerFrame: 30, seed: 5)
        #expect(a.predictions == b.predictions && a.groundTruth == b.groundTruth)
        #expect(a.groundTruth.allSatisfy { $0.record.boxes.count == 30 } && a.predictions.allSatisfy { $0.boxes.count == 30 })
        let report = try DetectionEvaluator(options: EvaluationOptions(region: EvaluationRegion(minX: -60, maxX: 60, minY: -60, maxY: 60, rule: .center)))
            .evaluate(predictions: a.predictions, groundTruth: a.groundTruth)
        // About 80 % of the cars are found, with jitter that keeps IoU mostly above 0.5.
        let r30 = try #require(report.overall.recall[0])
        #expect(r30 > 0.7 && r30 < 0.9)
        #expect((report.overall.ap30 ?? 0) > (report.overall.ap70 ?? 1))
        #expect(throws: V2XError.self) { try SyntheticEvaluationSet(frames: 1, boxesPerFrame: 1, recall: 2) }
    }
}
