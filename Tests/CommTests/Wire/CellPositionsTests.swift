import Comm
import Testing
import V2XCore
import V2XTestSupport

@Suite struct CellPositionsTests {
    @Test func roundTripsRandomSetsAndPicksTheSmallerCoding() throws {
        var rng = SeededGenerator(seed: 11)
        for density in [0.0, 0.001, 0.02, 0.3, 0.9, 1.0] {
            let cells = (0..<4096).filter { _ in Double.random(in: 0..<1, using: &rng) < density }
            let coded = try CellPositions.encode(sortedIndices: cells, cellCount: 4096)
            #expect(try coded.decode(count: cells.count, cellCount: 4096) == cells)
            #expect(coded.bytes.count <= 512, "never larger than the bitmask")
            #expect(coded.bytes.count <= CellPositions.maximumByteCount(count: cells.count, cellCount: 4096))
        }
    }

    @Test func blobsUseRunsAndScatterUsesTheBitmask() throws {
        let blob = Array(100..<400)
        #expect(try CellPositions.encode(sortedIndices: blob, cellCount: 4096).coding == .runs)
        let scatter = stride(from: 0, to: 4096, by: 3).map { $0 }
        #expect(try CellPositions.encode(sortedIndices: scatter, cellCount: 4096).coding == .bitmask)
    }

    @Test func rejectsUnsortedOrOutOfGridInput() {
        #expect(throws: V2XError.self) { try CellPositions.encode(sortedIndices: [3, 2], cellCount: 10) }
        #expect(throws: V2XError.self) { try CellPositions.encode(sortedIndices: [1, 1], cellCount: 10) }
        #expect(throws: V2XError.self) { try CellPositions.encode(sortedIndices: [10], cellCount: 10) }
    }

    @Test func rejectsHostileBytes() throws {
        let cases: [(CellPositions, Int)] = [
            (CellPositions(coding: .runs, bytes: [0, 0]), 0),  // zero-length run
            (CellPositions(coding: .runs, bytes: [5, 10]), 10),  // run past the grid of 10 cells
            (CellPositions(coding: .runs, bytes: [0, 3]), 2),  // more cells than announced
            (CellPositions(coding: .runs, bytes: [0x80, 0x80]), 1),  // varint runs off the end
            (CellPositions(coding: .runs, bytes: [UInt8](repeating: 0xFF, count: 10) + [1, 1]), 1),  // > 64 bits
            (CellPositions(coding: .bitmask, bytes: [0xFF, 0]), 3),  // more bits than announced
            (CellPositions(coding: .bitmask, bytes: [0xFF]), 8),  // 1 byte cannot mask 10 cells
        ]
        for (positions, count) in cases {
            #expect(throws: V2XError.self) { try positions.decode(count: count, cellCount: 10) }
        }
        // A bit past the last cell (cell 12 of 10) is refused; cell 7 of the same mask is fine.
        #expect(throws: V2XError.self) { try CellPositions(coding: .bitmask, bytes: [0, 0b1_0000]).decode(count: 1, cellCount: 10) }
        #expect(try CellPositions(coding: .bitmask, bytes: [0b1000_0000, 0]).decode(count: 1, cellCount: 10) == [7])
    }
}
