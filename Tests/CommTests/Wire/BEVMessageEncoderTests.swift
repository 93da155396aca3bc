import Comm
import Testing
import V2XCore

@Suite struct BEVMessageEncoderTests {
    func encoder(budget: Int, threshold: Float = 0.2) throws -> BEVMessageEncoder {
        try BEVMessageEncoder(
            codebook: CommFixtures.codebook, selector: CellSelector(threshold: threshold, budgetBytes: budget),
            identity: CommFixtures.identity("cav-1"), grid: CommFixtures.grid, agentKind: .vehicle)
    }

    func frame(_ sequence: UInt64) -> BEVMessageEncoder.Frame {
        .init(sequence: sequence, captureTime: CommFixtures.now, sendTime: CommFixtures.now, pose: Pose(x: 1, y: 2, z: 0, yaw: 0.5))
    }

    @Test(arguments: [400, 600, 900, 2000, 100_000])
    func messagesStayWithinTheBudget(budget: Int) throws {
        let (features, confidence) = CommFixtures.features(seed: 42)
        let out = try encoder(budget: budget).encode(features: features, confidence: confidence, frame: frame(1))
        #expect(out.bytes.count <= budget)
        #expect(out.selection.indices.count <= out.selection.candidateCount)
        if budget == 100_000 { #expect(out.selection.indices.count == out.selection.candidateCount) }
    }

    @Test func aTightBudgetKeepsTheMostConfidentCells() throws {
        let (features, confidence) = CommFixtures.features(seed: 42)
        let small = try encoder(budget: 500).encode(features: features, confidence: confidence, frame: frame(1))
        let all = try encoder(budget: 100_000).encode(features: features, confidence: confidence, frame: frame(1))
        #expect(!small.selection.indices.isEmpty && small.selection.indices.count < all.selection.indices.count)
        let smoothed = CellSelector.maxFilter3x3(confidence, height: 32, width: 32)
        let kept = Set(small.selection.indices)
        let worstKept = kept.map { smoothed[$0] }.min() ?? 0
        let bestDropped = all.selection.indices.filter { !kept.contains($0) }.map { smoothed[$0] }.max() ?? 0
        #expect(worstKept >= bestDropped)
    }

    @Test func receiverRebuildsTheQuantizedFeatures() throws {
        let (features, confidence) = CommFixtures.features(seed: 42)
        let out = try encoder(budget: 100_000).encode(features: features, confidence: confidence, frame: frame(1))
        var gate = CommFixtures.gate()
        guard case .accepted(let message) = gate.admit(out.bytes, now: CommFixtures.now) else {
            Issue.record("valid message rejected")
            return
        }
        let (rebuilt, sent) = try message.decodeFeatures(with: CommFixtures.codebook)
        #expect(sent.filter { $0 }.count == out.selection.indices.count)
        // The receiver reproduces exactly the sender's quantized vectors, and zeros elsewhere.
        let codebook = CommFixtures.codebook
        for cell in [0, 100, 517, 1023] {
            let original = Array(features.values[(cell * 8)..<(cell * 8 + 8)])
            let expected = sent[cell] ? try codebook.decode(codes: codebook.encode(vectors: original, count: 1)) : [Float](repeating: 0, count: 8)
            #expect(Array(rebuilt.values[(cell * 8)..<(cell * 8 + 8)]) == expected)
        }
        let cell = out.selection.indices[out.selection.indices.count / 2]
        let original = Array(features.values[(cell * 8)..<(cell * 8 + 8)])
        #expect(Array(rebuilt.values[(cell * 8)..<(cell * 8 + 8)]) == (try codebook.decode(codes: codebook.encode(vectors: original, count: 1))))
        #expect(message.confidenceU8?.count == out.selection.indices.count)
        #expect(sent.enumerated().allSatisfy { $0.element || rebuilt.values[($0.offset * 8)..<($0.offset * 8 + 8)].allSatisfy { $0 == 0 } })
    }
    @Test func boxesThatOverflowTheBudgetLeaveTheBestWithinAQuarterOfIt() throws {
        let (features, confidence) = CommFixtures.features(seed: 1)
        var withBoxes = frame(1)
        withBoxes.boxes = (0..<40).map { Box3D(x: Double($0), y: 2, z: -1, l: 4.5, w: 1.8, h: 1.5, yaw: 0.1, score: 1 - Double($0) / 100) }
        let roomy = try encoder(budget: 100_000).encode(features: features, confidence: confidence, frame: withBoxes)
        #expect(roomy.message.boxes.count == 40)
        let tight = try encoder(budget: 900).encode(features: features, confidence: confidence, frame: withBoxes)
        #expect(tight.bytes.count <= 900)
        #expect(!tight.message.boxes.isEmpty && tight.message.boxes.count < 40)
        #expect(tight.message.boxes == Array(withBoxes.boxes.prefix(tight.message.boxes.count)))
    }

    @Test func boxReturnsFillWhatTheCellsLeaveOfTheBudget() throws {
        let (features, confidence) = CommFixtures.features(seed: 1)
        var withReturns = frame(1)
        withReturns.boxes = (0..<40).map { Box3D(x: Double($0), y: 2, z: -1, l: 4.5, w: 1.8, h: 1.5, yaw: 0.1, score: 1 - Double($0) / 100) }
        withReturns.boxReturns = withReturns.boxes.map { box in
            BoxReturns(points: (0..<20).map { SIMD3(box.x + Double($0) / 10 - 1, box.y + 0.5, box.z) }, in: box)
        }
        var bare = withReturns
        bare.boxReturns = []
        for budget in [900, 2000, 100_000] {
            let out = try encoder(budget: budget).encode(features: features, confidence: confidence, frame: withReturns)
            let without = try encoder(budget: budget).encode(features: features, confidence: confidence, frame: bare)
            // The same cells and boxes as without returns, and still within the budget.
            #expect(out.selection.indices == without.selection.indices && out.message.boxes == without.message.boxes)
            #expect(out.bytes.count <= budget)
            // The most confident boxes keep all their returns, the rest none.
            let kept = out.message.boxReturns
            #expect(kept.isEmpty || kept.count == out.message.boxes.count)
            let whole = kept.prefix { $0.count == 20 }.count
            #expect(kept.dropFirst(whole).allSatisfy { $0.count == 0 })
            #expect(zip(kept, withReturns.boxReturns).prefix(whole).allSatisfy { $0 == $1 })
            if budget == 100_000 { #expect(kept == Array(withReturns.boxReturns.prefix(40))) }
            // Room for another box's returns (63 bytes) is never left unused.
            if whole < out.message.boxes.count { #expect(budget - out.bytes.count < 63 + 20) }
        }
        var mismatched = withReturns
        mismatched.boxReturns.removeLast()
        #expect(throws: V2XError.self) { try encoder(budget: 100_000).encode(features: features, confidence: confidence, frame: mismatched) }
    }

    @Test func refusesABudgetBelowTheHeaderAndMismatchedShapes() throws {
        let (features, confidence) = CommFixtures.features(seed: 1)
        #expect(throws: V2XError.self) { try encoder(budget: 50).encode(features: features, confidence: confidence, frame: frame(1)) }
        let wrong = FeatureMap(height: 32, width: 32, channels: 4)
        #expect(throws: V2XError.self) { try encoder(budget: 5000).encode(features: wrong, confidence: confidence, frame: frame(1)) }
    }
}
