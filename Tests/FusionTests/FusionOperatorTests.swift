import Foundation
import Fusion
import Testing
import V2XCore

@Suite struct FusionOperatorTests {
    /// One row of two cells, two channels.
    static func map(_ values: [Float]) -> FeatureMap { try! FeatureMap(height: 1, width: 2, channels: 2, values: values) }
    let ego = map([1, 0, 0, 0])
    let other = map([3, 2, 4, 4])

    @Test func maxTakesTheWeightedLargest() throws {
        let out = try FusionOperator.max.fuse(ego: ego, collaborators: [(other, [0.5, 0.25])])
        #expect(out.values == [1.5, 1, 1, 1])
    }

    @Test func anAbsentCollaboratorLeavesTheEgoUntouched() throws {
        for op in FusionOperator.allCases {
            let out = try op.fuse(ego: ego, collaborators: [(other, [0, 0])])
            #expect(out == ego)
            #expect(try op.fuse(ego: ego, collaborators: []) == ego)
        }
    }

    @Test func meanWeighsTheEgoAsOne() throws {
        let out = try FusionOperator.mean.fuse(ego: ego, collaborators: [(other, [1, 3])])
        #expect(out.values == [2, 1, 3, 3])
    }

    @Test func attentionIsASoftmaxOverDotProductsWithTheEgoAsQuery() throws {
        let out = try FusionOperator.attention.fuse(ego: ego, collaborators: [(other, [1, 0.5])])
        // Cell 0: q = (1, 0); logits (1·1, 1·3)/√2 → softmax weights a = e^{1/√2}, b = e^{3/√2}.
        let root2 = Float(2).squareRoot()
        let a: Float = exp(1 / root2), b: Float = exp(3 / root2)
        let expected0: Float = (a + 3 * b) / (a + b), expected1: Float = 2 * b / (a + b)
        #expect(abs(out.values[0] - expected0) < 1e-5)
        #expect(abs(out.values[1] - expected1) < 1e-5)
        // Cell 1: q = 0, logits (0, log 0.5) → weights 2/3 ego (zeros), 1/3 collaborator.
        #expect(abs(out.values[2] - 4.0 / 3) < 1e-5)
    }

    @Test func mismatchedShapesAreTypedErrors() {
        #expect(throws: V2XError.self) { try FusionOperator.max.fuse(ego: ego, collaborators: [(other, [1])]) }
        #expect(throws: V2XError.self) {
            try FusionOperator.max.fuse(ego: ego, collaborators: [(FeatureMap(height: 2, width: 2, channels: 2), [1, 1])])
        }
    }
}

@Suite struct SelectOperatorTests {
    @Test func eachCellTakesTheWholeVectorOfItsBestScoredAgent() throws {
        let ego = FusionOperatorTests.map([1, 0, 0, 0])
        let a = FusionOperatorTests.map([3, 2, 4, 4])
        let b = FusionOperatorTests.map([9, 9, 7, 7])
        // Cell 0: ego 0.9 beats a 0.5 and b 0.8. Cell 1: ego 0.1 < a 0.3 < b 0.6 → b.
        let out = try FusionOperator.select.fuse(ego: ego, egoScores: [0.9, 0.1], collaborators: [(a, [0.5, 0.3]), (b, [0.8, 0.6])])
        #expect(out.values == [1, 0, 7, 7])
        // Without ego scores the ego counts as certain.
        #expect(try FusionOperator.select.fuse(ego: ego, collaborators: [(a, [0.5, 0.3])]) == ego)
        #expect(throws: V2XError.self) { try FusionOperator.select.fuse(ego: ego, egoScores: [1], collaborators: []) }
    }
}
