import Testing
import V2XCore
@testable import Metrics

@Suite struct GreedyMatcherTests {
    typealias B = TestBoxes

    @Test func takesTheUnmatchedGroundTruthOfHighestIoU() {
        // GT 0 at x = 0, GT 1 at x = 3.5 (4×2 boxes along x). The detection at x = 3 overlaps
        // GT 0 by 1×2 (IoU 2/14 = 1/7) and GT 1 by 3.5×2 (IoU 7/9): it takes GT 1 even though
        // GT 0 comes first. The second detection at x = 0 then takes GT 0.
        let gt = [B.car(0, 0), B.car(3.5, 0)]
        let dets = [B.car(3, 0, score: 0.9), B.car(0, 0, score: 0.8)]
        #expect(GreedyMatcher.match(detections: dets, groundTruth: gt, threshold: 0.5) == [1, 0])
    }

    @Test func duplicateIsAFalsePositive() {
        let gt = [B.car(0, 0)]
        let dets = [B.car(0, 0, score: 0.7), B.car(0, 0, score: 0.9)]
        // The higher score is visited first and takes the only GT.
        #expect(GreedyMatcher.match(detections: dets, groundTruth: gt, threshold: 0.7) == [nil, 0])
    }

    @Test func belowThresholdConsumesNothing() {
        // IoU 1/3 (shifted 2 m): a match at 0.3, not at 0.5; at 0.5 the GT stays free for
        // the lower-scored exact detection.
        let gt = [B.car(0, 0)]
        let dets = [B.car(2, 0, score: 0.9), B.car(0, 0, score: 0.5)]
        #expect(GreedyMatcher.match(detections: dets, groundTruth: gt, threshold: 0.3) == [0, nil])
        #expect(GreedyMatcher.match(detections: dets, groundTruth: gt, threshold: 0.5) == [nil, 0])
    }

    @Test func emptyInputs() {
        #expect(GreedyMatcher.match(detections: [], groundTruth: [B.car(0, 0)], threshold: 0.5).isEmpty)
        #expect(GreedyMatcher.match(detections: [B.car(0, 0, score: 1)], groundTruth: [], threshold: 0.5) == [nil])
    }

    @Test func equalScoresKeepInputOrder() {
        let dets = [B.car(0, 0, score: 0.5), B.car(9, 0, score: 0.5), B.car(5, 0, score: 0.8)]
        #expect(GreedyMatcher.rankingOrder(dets) == [2, 0, 1])
    }
}
