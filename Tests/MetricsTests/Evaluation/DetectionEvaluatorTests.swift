import Testing
import V2XCore
@testable import Metrics

@Suite struct DetectionEvaluatorTests {
    typealias B = TestBoxes

    private func evaluate(
        _ predictions: [FrameBoxes], _ truth: [FrameBoxes], options: EvaluationOptions = EvaluationOptions()
    ) throws -> EvaluationReport {
        try DetectionEvaluator(options: options).evaluate(predictions: predictions, groundTruth: truth.map(GroundTruthFrame.init(record:)))
    }

    private func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-12 } ?? false }

    @Test func perfectDetectionsScoreOne() throws {
        let truth = [B.frame("0", [B.car(5, 0), B.car(-10, 4, yaw: 1)]), B.frame("1", [B.car(20, -20)])]
        let preds = truth.map { f in B.frame(f.frame, f.boxes.map { var b = $0; b.score = 0.8; return b }) }
        let report = try evaluate(preds, truth)
        #expect(report.overall.averagePrecision == [1, 1, 1])
        #expect(report.overall.groundTruthCount == 3 && report.overall.detectionCount == 3 && report.frames == 2)
    }

    @Test func iouThresholdsSeparate() throws {
        // The only detection is shifted 2 m: IoU 1/3. A TP at 0.3 (AP = 1), a FP at 0.5 and
        // 0.7 (AP = 0).
        let report = try evaluate([B.frame("0", [B.car(2, 0, score: 0.9)])], [B.frame("0", [B.car(0, 0)])])
        #expect(report.overall.averagePrecision == [1, 0, 0])
        #expect(report.overall.recall == [1, 0, 0])
    }

    @Test func duplicatesAreFalsePositives() throws {
        // GT A at x = 0, B at x = 20. Detections: A 0.9, A again 0.8, B 0.7 → TP, FP, TP:
        // AP = 0.5·1 + 0.5·(2/3) = 5/6 at every threshold (see AveragePrecisionTests).
        let truth = [B.frame("0", [B.car(0, 0), B.car(20, 0)])]
        let preds = [B.frame("0", [B.car(0, 0, score: 0.9), B.car(0, 0, score: 0.8), B.car(20, 0, score: 0.7)])]
        let report = try evaluate(preds, truth)
        for t in 0..<3 { #expect(close(report.overall.averagePrecision[t], 5.0 / 6)) }
    }

    @Test func framesWithoutDetectionsCountTheirGroundTruth() throws {
        // Frame 0: one GT found (score 0.9). Frame 1: one GT, no detections record.
        // Frame 2: empty. N = 2, ranking [TP] → recall 0.5 at precision 1 → AP = 0.5.
        let truth = [B.frame("0", [B.car(0, 0)]), B.frame("1", [B.car(10, 10)]), B.frame("2", [])]
        let report = try evaluate([B.frame("0", [B.car(0, 0, score: 0.9)]), B.frame("2", [])], truth)
        #expect(close(report.overall.ap50, 0.5))
        #expect(report.frames == 3 && report.overall.groundTruthCount == 2)
    }

    @Test func noGroundTruthLeavesApUndefined() throws {
        let report = try evaluate([B.frame("0", [B.car(0, 0, score: 0.9)])], [B.frame("0", [])])
        #expect(report.overall.ap50 == nil && report.overall.detectionCount == 1)
    }

    @Test func globalSortingAgainstOpenCOODOrder() throws {
        // Frame 0: one GT at x = 0 and a stray detection (score 0.6) far from it.
        // Frame 1: one GT, found with score 0.9. N = 2.
        //   default (global sort): TP(0.9), FP(0.6) → recall 0.5 at precision 1 → AP = 0.5
        //   opencood (file order):  FP(0.6), TP(0.9) → recall 0 at p 0, then 0.5 at p 1/2
        //                           → AP = 0.5·0.5 = 0.25
        let truth = [B.frame("0", [B.car(0, 0)]), B.frame("1", [B.car(0, 0)])]
        let preds = [B.frame("0", [B.car(30, 30, score: 0.6)]), B.frame("1", [B.car(0, 0, score: 0.9)])]
        let global = try evaluate(preds, truth)
        let opencood = try evaluate(preds, truth, options: EvaluationOptions(evaluationProtocol: .opencood))
        #expect(close(global.overall.ap50, 0.5))
        #expect(close(opencood.overall.ap50, 0.25))
    }

    @Test func protocolRegions() throws {
        // x = 60 is outside the default ±51.2 m grid but inside OpenCOOD's x ±140 m;
        // y = 45 is inside the default grid but outside OpenCOOD's y ±40 m.
        let truth = [B.frame("0", [B.car(10, 0), B.car(60, 0), B.car(0, 45)])]
        let preds = [B.frame("0", [B.car(10, 0, score: 0.9), B.car(60, 0, score: 0.8)])]
        let standard = try evaluate(preds, truth)
        #expect(standard.overall.groundTruthCount == 2 && standard.overall.detectionCount == 1)
        let opencood = try evaluate(preds, truth, options: EvaluationOptions(evaluationProtocol: .opencood))
        #expect(opencood.overall.groundTruthCount == 2 && opencood.overall.detectionCount == 2)
        // A car whose centre is inside OpenCOOD's range but whose corners poke past y = 40.
        #expect(!EvaluationProtocol.opencood.defaultRegion.contains(B.car(0, 39.5)))
    }

    @Test func onlyTheChosenCategoryIsScored() throws {
        let ped = Box3D(x: 5, y: 5, z: 0, l: 0.6, w: 0.6, h: 1.7, yaw: 0, label: .pedestrian)
        var pedDet = ped
        pedDet.score = 0.9
        let truth = [B.frame("0", [B.car(0, 0), ped])]
        let preds = [B.frame("0", [pedDet])]
        let vehicles = try evaluate(preds, truth)
        #expect(vehicles.overall.groundTruthCount == 1 && vehicles.overall.detectionCount == 0)
        #expect(vehicles.overall.ap50 == 0)
        let pedestrians = try evaluate(preds, truth, options: EvaluationOptions(category: .pedestrian))
        #expect(pedestrians.overall.ap50 == 1)
    }

    @Test func rangeBreakdown() throws {
        // GT at 10 m (found, 0.9) and at 40 m (missed); a stray detection at 55 m (0.5).
        //   all:    N = 2, TP, FP → recall 0.5 at precision 1 → AP = 0.5
        //   0-30:   N = 1, TP → AP = 1          30-50: N = 1, nothing → AP = 0
        //   50+:    N = 0 → AP undefined, one detection counted there
        let truth = [B.frame("0", [B.car(10, 0), B.car(0, 40)])]
        let preds = [B.frame("0", [B.car(10, 0, score: 0.9), B.car(0, -51, score: 0.5)])]
        var options = EvaluationOptions()
        options.region = EvaluationRegion(minX: -100, maxX: 100, minY: -100, maxY: 100, rule: .center)
        let report = try evaluate(preds, truth, options: options)
        #expect(close(report.overall.ap50, 0.5))
        #expect(report.byRange.map(\.name) == ["0-30", "30-50", "50+"])
        #expect(report.byRange[0].summary.ap50 == 1)
        #expect(report.byRange[1].summary.ap50 == 0)
        #expect(report.byRange[2].summary.ap50 == nil && report.byRange[2].summary.detectionCount == 1)
    }

    @Test func classBreakdownCountsMatchesByGroundTruthLabel() throws {
        // A truck found by a detection labelled "car", and a car missed. Class "truck":
        // N = 1, one TP → AP 1. Class "car": N = 1; the detection matched a truck so it is
        // left out → nothing ranked → AP 0.
        let truth = [B.frame("0", [B.car(0, 0, label: .truck), B.car(20, 0)])]
        let preds = [B.frame("0", [B.car(0, 0, score: 0.9)])]
        let report = try evaluate(preds, truth)
        let byName = Dictionary(uniqueKeysWithValues: report.byClass.map { ($0.name, $0.summary) })
        #expect(byName["truck"]?.ap50 == 1)
        #expect(byName["car"]?.ap50 == 0)
        #expect(byName["bus"] == nil)
    }

    @Test func visibilityRecall() throws {
        let record = B.frame("0", [B.car(0, 0), B.car(20, 0)])
        let truth = try GroundTruthFrame(record: record, visibility: [
            BoxVisibility(egoPoints: 12, totalPoints: 30), BoxVisibility(egoPoints: 0, totalPoints: 4),
        ])
        let report = try DetectionEvaluator().evaluate(predictions: [B.frame("0", [B.car(0, 0, score: 0.9)])], groundTruth: [truth])
        let bins = try #require(report.byVisibility)
        #expect(bins.map(\.name) == ["ego_visible", "cooperative_only"])
        #expect(bins[0].summary.recall == [1, 1, 1] && bins[1].summary.recall == [0, 0, 0])
        let plain = try evaluate([B.frame("0", [])], [record])
        #expect(plain.byVisibility == nil)
    }

    @Test func perFrameCounts() throws {
        let truth = [B.frame("0", [B.car(0, 0)]), B.frame("1", [])]
        let preds = [B.frame("0", [B.car(2, 0, score: 0.9), B.car(30, 0, score: 0.1)])]
        let report = try evaluate(preds, truth, options: EvaluationOptions(perFrame: true))
        let rows = try #require(report.perFrame)
        #expect(rows.count == 2)
        #expect(rows[0].truePositives == [1, 0, 0] && rows[0].falsePositives == [1, 2, 2])
        #expect(rows[1].detectionCount == 0 && rows[1].groundTruthCount == 0)
    }

    @Test func unknownOrRepeatedFramesAreRejected() throws {
        let truth = [B.frame("0", [B.car(0, 0)])]
        #expect(throws: V2XError.self) { try evaluate([B.frame("7", [])], truth) }
        #expect(throws: V2XError.self) { try evaluate([B.frame("0", [], ego: "2")], truth) }
        #expect(throws: V2XError.self) { try evaluate([B.frame("0", []), B.frame("0", [])], truth) }
        #expect(throws: V2XError.self) { try evaluate([], truth + truth) }
    }
}
