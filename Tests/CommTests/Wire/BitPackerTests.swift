import Comm
import Testing
import V2XCore
import V2XTestSupport

@Suite struct BitPackerTests {
    @Test(arguments: [1, 3, 7, 8, 11, 16, 32])
    func packUnpackRoundTrips(bits: Int) throws {
        var rng = SeededGenerator(seed: UInt64(bits))
        let limit = bits == 32 ? UInt64(UInt32.max) : (UInt64(1) << UInt64(bits)) - 1
        let codes = (0..<333).map { _ in UInt32(UInt64.random(in: 0...limit, using: &rng)) }
        let packed = try BitPacker.pack(codes, bitsPerCode: bits)
        #expect(packed.count == (333 * bits + 7) / 8)
        #expect(try BitPacker.unpack(packed, count: 333, bitsPerCode: bits) == codes)
    }

    @Test func layoutIsLeastSignificantBitFirst() throws {
        #expect(try BitPacker.pack([0b101, 0b011, 0b110], bitsPerCode: 3) == [0b10_011_101, 0b1])
        #expect(BitPacker.bitsPerCode(forCodebookSize: 256) == 8)
        #expect(BitPacker.bitsPerCode(forCodebookSize: 257) == 9)
        #expect(BitPacker.bitsPerCode(forCodebookSize: 1) == 1)
    }

    @Test func rejectsCodesTooWideAndWrongSizes() {
        #expect(throws: V2XError.self) { try BitPacker.pack([8], bitsPerCode: 3) }
        #expect(throws: V2XError.self) { try BitPacker.unpack([0, 0], count: 3, bitsPerCode: 8) }
        #expect(throws: V2XError.self) { try BitPacker.unpack([0, 0, 0, 0], count: 3, bitsPerCode: 8) }
    }
}
