import Testing
import V2XCore

@Suite struct BEVGridTests {
    @Test func defaultGridIs256Square() {
        #expect(BEVGrid.default.width == 256 && BEVGrid.default.height == 256)
    }

    @Test func cellLookupAndCentre() throws {
        let grid = try BEVGrid(minX: -2, maxX: 2, minY: -1, maxY: 1, cellSizeMeters: 0.5)
        let cell = try #require(grid.cell(x: -1.9, y: 0.6))
        #expect(cell.row == 3 && cell.column == 0)
        #expect(grid.center(row: 3, column: 0) == SIMD2(-1.75, 0.75))
        #expect(grid.cell(x: 2, y: 0) == nil)
    }

    @Test func invalidGridsAreRejected() {
        #expect(throws: V2XError.self) { try BEVGrid(minX: 0, maxX: 1, minY: 0, maxY: 1, cellSizeMeters: 0) }
        #expect(throws: V2XError.self) { try BEVGrid(minX: 1, maxX: 0, minY: 0, maxY: 1, cellSizeMeters: 0.1) }
        #expect(throws: V2XError.self) { try BEVGrid(minX: 0, maxX: 1, minY: 0, maxY: 1, cellSizeMeters: 0.3) }
    }
}
