import Foundation
@testable import Scenario
import Testing
import V2XCore
import V2XTestSupport

@Suite struct LZFTests {
    private func roundTrip(_ input: [UInt8]) throws -> [UInt8] {
        let compressed = input.withUnsafeBytes { LZF.compress($0) }
        #expect(compressed.count <= input.count + input.count / 32 + 1)
        return try compressed.withUnsafeBytes { try LZF.decompress($0, count: input.count) }
    }

    @Test func roundTripsRandomRepetitiveAndEmptyData() throws {
        var rng = SeededGenerator(seed: 11)
        let random = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        #expect(try roundTrip(random) == random)
        let runs = (0..<50_000).map { UInt8(($0 / 700) % 3) }
        #expect(try roundTrip(runs) == runs)
        let words = (0..<40_000).map { i in UInt8(truncatingIfNeeded: (i % 9_000) * 7 / 3) }  // repeats beyond 8 KiB too
        #expect(try roundTrip(words) == words)
        #expect(try roundTrip([]) == [])
        #expect(try roundTrip([42]) == [42])
    }

    @Test func repetitiveDataShrinks() {
        let zeros = [UInt8](repeating: 0, count: 100_000)
        let compressed = zeros.withUnsafeBytes { LZF.compress($0) }
        #expect(compressed.count * 80 < zeros.count)  // close to the format's 88:1 limit
    }

    @Test func decodesAHandWrittenStream() throws {
        // "ab" literal, then a reference one byte back of length 5 (overlapping copy) → "abbbbbb".
        let stream: [UInt8] = [1, 0x61, 0x62, 0b0110_0000, 0]
        #expect(try stream.withUnsafeBytes { try LZF.decompress($0, count: 7) } == Array("abbbbbb".utf8))
    }

    @Test func rejectsBadStreams() {
        let cases: [[UInt8]] = [
            [0b0010_0000, 0],  // reference with no output yet
            [0, 0x61, 0b0010_0000, 1],  // reference 2 bytes back when 1 exists
            [4, 1, 2],  // literal run passing the end
            [0, 1, 0b1110_0000],  // long reference cut off
            [0, 1, 0b0010_0000],  // reference without its offset byte
            [2, 1, 2, 3, 0b1110_0000, 200, 0],  // output longer than promised
        ]
        for stream in cases {
            #expect(throws: V2XError.self) { try stream.withUnsafeBytes { try LZF.decompress($0, count: 8) } }
        }
    }
}
