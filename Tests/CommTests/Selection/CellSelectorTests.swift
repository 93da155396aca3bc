import Comm
import Testing
import V2XCore

@Suite struct CellSelectorTests {
    @Test func maxFilterSpreadsAPeakToItsNeighbours() {
        var map = [Float](repeating: 0, count: 25)
        map[12] = 1  // centre of 5 × 5
        map[0] = 0.5
        let out = CellSelector.maxFilter3x3(map, height: 5, width: 5)
        for r in 0..<5 {
            for c in 0..<5 {
                let expected: Float = (1...3).contains(r) && (1...3).contains(c) ? 1 : (r <= 1 && c <= 1 ? 0.5 : 0)
                #expect(out[r * 5 + c] == expected)
            }
        }
    }

    @Test func thresholdOrderAndBudget() throws {
        var conf = [Float](repeating: 0, count: 100)
        conf[0] = 0.9; conf[55] = 0.6; conf[99] = 0.3
        let all = try CellSelector(threshold: 0.5, budgetBytes: 10_000).select(confidence: conf, height: 10, width: 10, bytesPerCell: 2, fixedOverheadBytes: 100)
        #expect(all.candidateCount == 4 + 9)
        #expect(all.indices == [0, 1, 10, 11, 44, 45, 46, 54, 55, 56, 64, 65, 66])
        #expect(abs(all.fractionSent - 0.13) < 1e-12)
        // Room for 100 + 4 cells × (2 + worst-case position 2 bytes) = 116 bytes: only the 0.9 blob.
        let tight = try CellSelector(threshold: 0.5, budgetBytes: 116).select(confidence: conf, height: 10, width: 10, bytesPerCell: 2, fixedOverheadBytes: 100)
        #expect(tight.indices == [0, 1, 10, 11])
        let none = try CellSelector(threshold: 0.5, budgetBytes: 99).select(confidence: conf, height: 10, width: 10, bytesPerCell: 2, fixedOverheadBytes: 100)
        #expect(none.indices.isEmpty)
        #expect(throws: V2XError.self) { try CellSelector(threshold: 1.5, budgetBytes: 1) }
        #expect(throws: V2XError.self) { try CellSelector(threshold: 0.5, budgetBytes: 100).select(confidence: conf, height: 9, width: 10, bytesPerCell: 1, fixedOverheadBytes: 0) }
    }
}
