import Testing
@testable import Metrics

@Suite struct AveragePrecisionTests {
    @Test func tpFpTp() throws {
        // Ranked TP, FP, TP with N = 2:
        //   recall    0.5, 0.5, 1.0      precision 1, 1/2, 2/3
        //   envelope  p = [0, 1, 1/2, 2/3, 0] → [1, 1, 2/3, 2/3, 0]
        //   AP = (0.5 − 0)·1 + (1.0 − 0.5)·2/3 = 0.5 + 1/3 = 5/6
        let ap = try #require(AveragePrecision.vocAllPoint(rankedTruePositives: [true, false, true], groundTruthCount: 2))
        #expect(abs(ap - 5.0 / 6) < 1e-12)
    }

    @Test func recallNeverReachedAddsNothing() throws {
        // TP, TP with N = 4: recall 0.25, 0.5 at precision 1 → AP = 0.5·1 = 0.5.
        let ap = try #require(AveragePrecision.vocAllPoint(rankedTruePositives: [true, true], groundTruthCount: 4))
        #expect(abs(ap - 0.5) < 1e-12)
    }

    @Test func falsePositiveFirst() throws {
        // FP, TP with N = 1: recall 0, 1; precision 0, 1/2; envelope at recall 1 is 1/2,
        // so AP = (1 − 0)·0.5 = 0.5.
        let ap = try #require(AveragePrecision.vocAllPoint(rankedTruePositives: [false, true], groundTruthCount: 1))
        #expect(abs(ap - 0.5) < 1e-12)
    }

    @Test func noDetectionsAndNoGroundTruth() {
        #expect(AveragePrecision.vocAllPoint(rankedTruePositives: [], groundTruthCount: 3) == 0)
        #expect(AveragePrecision.vocAllPoint(rankedTruePositives: [false, false], groundTruthCount: 3) == 0)
        #expect(AveragePrecision.vocAllPoint(rankedTruePositives: [true], groundTruthCount: 0) == nil)
    }
}
