import Comm
import Testing
import V2XCore

/// Randomized robustness: 20 000 hostile inputs (mutations of valid messages, re-signed
/// mutated payloads, replays, random and oversized bytes) never crash the gate, each is
/// counted exactly once, and whatever is accepted is internally consistent.
@Suite struct GateFuzzTests {
    @Test func twentyThousandMutatedInputs() throws {
        var corpus: [[UInt8]] = []
        for s in 1...8 as ClosedRange<UInt64> {
            let m = CommFixtures.message(agent: s % 2 == 0 ? "cav-1" : "rsu-2", sequence: s, cells: Array(0..<Int(s * 37)).map { $0 * 3 % 1024 }.sorted().uniqued())
            corpus.append(try CommFixtures.identity(m.agentID).seal(m))
        }
        let limits = MessageLimits(maxMessageBytes: 64 * 1024, maxGridCells: 512 * 512, maxCodesPerCell: 64, maxChannels: 1024, maxBoxes: 1024)
        var gate = CommFixtures.gate(policy: .init(limits: limits))
        var mutator = MessageMutator(corpus: corpus, signer: CommFixtures.identity("cav-1"), oversizedBytes: limits.maxMessageBytes + 1, seed: 2024)
        let n = 20_000
        for _ in 0..<n {
            if case .accepted(let m) = gate.admit(mutator.next(), now: CommFixtures.now) {
                #expect(m.codes.count == m.cellIndices.count * m.codebook.codesPerCell)
                #expect(m.cellIndices.allSatisfy { $0 >= 0 && $0 < m.grid.cellCount })
                #expect(zip(m.cellIndices, m.cellIndices.dropFirst()).allSatisfy { $0 < $1 })
            }
        }
        #expect(gate.acceptedCount + gate.rejectedCount == n)
        // Each corpus message is accepted at most once per sender sequence; the rest is replayed.
        #expect(gate.rejections[.replayed, default: 0] > 0)
        #expect(gate.rejections[.badSignature, default: 0] > 0)
        #expect(gate.rejections[.malformedPayload, default: 0] > 0, "re-signed mutations reach the payload parser")
        #expect(gate.rejections[.oversized, default: 0] > 0)
        #expect(gate.rejections[.malformedEnvelope, default: 0] > 0)
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
