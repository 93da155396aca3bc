import Foundation
@testable import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// Bad files get a `V2XError` naming the file and the problem.
@Suite struct PCDMalformedInputTests {
    private static let path = "/data/bad.pcd"

    private func error(_ text: String, _ tail: [UInt8] = []) throws -> V2XError {
        let data = Data(Array(text.utf8) + tail)
        let error = try #require(throws: V2XError.self) { try PCDFile.decode(data, path: Self.path, options: .init()) }
        #expect(error.path == Self.path)
        return error
    }

    private let fields = "VERSION 0.7\nFIELDS x y z intensity\nSIZE 4 4 4 4\nTYPE F F F F\nCOUNT 1 1 1 1\n"

    @Test func lyingHeaders() throws {
        #expect(try error(fields + "WIDTH 3\nHEIGHT 1\nPOINTS 4\nDATA ascii\n").code == .malformedHeader)
        let unknown = try error(fields + "WIDTH 1\nHEIGHT 1\nDATA gzip\n")
        #expect(unknown.code == .malformedHeader && unknown.line == 8 && unknown.message.contains("gzip"))
        let mismatch = try error("FIELDS x y z\nSIZE 4 2 4\nTYPE F F F\nWIDTH 1\nHEIGHT 1\nDATA binary\n")
        #expect(mismatch.code == .malformedHeader && mismatch.message.contains("SIZE 2 with TYPE F"))
        #expect(try error("FIELDS x y z\nSIZE 4 4 3\nTYPE I I I\nWIDTH 1\nHEIGHT 1\nDATA binary\n").code == .malformedHeader)
        #expect(try error("FIELDS x y z\nSIZE 4 4 4\nTYPE F F\nWIDTH 1\nHEIGHT 1\nDATA binary\n").code == .malformedHeader)
        #expect(try error("FIELDS x y z\nSIZE 4 4 4\nTYPE F F X\nWIDTH 1\nHEIGHT 1\nDATA binary\n").code == .malformedHeader)
        #expect(try error(fields + "COUNT 1 1 1 1\nWIDTH 1\nHEIGHT 1\nDATA binary\n").code == .malformedHeader)
        #expect(try error("FIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 0 1\nWIDTH 1\nHEIGHT 1\nDATA binary\n").code == .malformedHeader)
        #expect(try error(fields + "WIDTH -1\nHEIGHT 1\nDATA binary\n").code == .malformedHeader)
        #expect(try error(fields + "WIDTH 1\nDATA binary\n").code == .malformedHeader)
        #expect(try error(fields + "WIDTH 1\nHEIGHT 1\nHIEGHT 1\nDATA binary\n").code == .malformedHeader)
        let noXYZ = try error("FIELDS a b c\nSIZE 4 4 4\nTYPE F F F\nWIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 3\n")
        #expect(noXYZ.code == .unsupportedFormat)
    }

    @Test func truncatedFiles() throws {
        #expect(try error("").code == .truncatedFile)
        #expect(try error(fields + "WIDTH 2\nHEIGHT 1\n").code == .truncatedFile)
        let ascii = try error(fields + "WIDTH 4\nHEIGHT 1\nDATA ascii\n1.0 2.0 3.0 4.0\n5.0 6.0 7.0 8.0\n1.0 2.0 3.0 4.0\n\n")
        #expect(ascii.code == .truncatedFile && ascii.message.contains("3 of 4"))
        let asciiLine = try error(fields + "WIDTH 2\nHEIGHT 1\nDATA ascii\n1.0 2.0 3.0 4.0\n5.0 6.0 7.0")
        #expect(asciiLine.code == .truncatedFile && asciiLine.line == 10)
        let binary = try error(fields + "WIDTH 2\nHEIGHT 1\nDATA binary\n", [UInt8](repeating: 0, count: 31))
        #expect(binary.code == .truncatedFile && binary.message.contains("32"))
        #expect(try error(fields + "WIDTH 2\nHEIGHT 1\nDATA binary_compressed\n", [1, 0, 0]).code == .truncatedFile)
        let shortPayload = try error(fields + "WIDTH 1\nHEIGHT 1\nDATA binary_compressed\n", [20, 0, 0, 0, 16, 0, 0, 0, 15])
        #expect(shortPayload.code == .truncatedFile)
    }

    @Test func badAsciiValues() throws {
        let letters = try error(fields + "WIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 abc 4\n")
        #expect(letters.code == .malformedData && letters.line == 9 && letters.message.contains("abc"))
        #expect(try error(fields + "WIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 3 4 5\n").code == .malformedData)
        #expect(try error(fields + "WIDTH 2\nHEIGHT 1\nDATA ascii\n1.0 2.0 3.0\n4 5 6 7\n").code == .malformedData)
        let u1 = "FIELDS x y z intensity\nSIZE 4 4 4 1\nTYPE F F F U\nWIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 3 256\n"
        #expect(try error(u1).code == .malformedData)
        let i2 = "FIELDS x y z intensity\nSIZE 4 4 4 2\nTYPE F F F I\nWIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 3 -32769\n"
        #expect(try error(i2).code == .malformedData)
        #expect(try error(fields + "WIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 3e 4\n").code == .malformedData)
        #expect(try error(fields + "WIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 . 4\n").code == .malformedData)
    }

    @Test func lyingCompressedSizes() throws {
        let head = fields + "WIDTH 1\nHEIGHT 1\nDATA binary_compressed\n"
        // Uncompressed size differs from what one point of four F4 fields needs (16).
        let wrongSize = try error(head, [2, 0, 0, 0, 15, 0, 0, 0, 0, 1])
        #expect(wrongSize.code == .malformedData)
        // A back-reference before the start of the output.
        let badReference = try error(head, [3, 0, 0, 0, 16, 0, 0, 0, 0b1110_0000, 5, 0x10])
        #expect(badReference.code == .malformedData && badReference.message.contains("back-reference"))
        // Literal run passing the end of the compressed data.
        #expect(try error(head, [2, 0, 0, 0, 16, 0, 0, 0, 15, 1]).code == .malformedData)
        // Stream that decodes to fewer bytes than promised.
        #expect(try error(head, [2, 0, 0, 0, 16, 0, 0, 0, 0, 1]).code == .malformedData)
    }

    @Test func absurdSizesFailBeforeAllocating() throws {
        let huge = try error(fields + "WIDTH 4000000000\nHEIGHT 4000000000\nDATA binary\n")
        #expect(huge.code == .malformedHeader)  // the byte count overflows
        #expect(try error(fields + "WIDTH 4000000000\nHEIGHT 1\nDATA binary\n").code == .truncatedFile)
        #expect(try error(fields + "WIDTH 4000000000\nHEIGHT 1\nDATA ascii\n1 2 3 4\n").code == .truncatedFile)
        // A tiny compressed stream claiming a gigantic output.
        let bigClaim = try error(fields + "WIDTH 67108864\nHEIGHT 1\nDATA binary_compressed\n", [1, 0, 0, 0, 0, 0, 0, 64, 0])
        #expect(bigClaim.code == .malformedData)
        let hugeCount = "FIELDS x y z\nSIZE 4 4 8\nTYPE F F F\nCOUNT 1 1 9223372036854775807\nWIDTH 1\nHEIGHT 1\nDATA ascii\n"
        #expect(try error(hugeCount).code == .malformedHeader)
    }

    @Test func errorsPrintTheFileAndLine() throws {
        let error = try error(fields + "WIDTH 1\nHEIGHT 1\nDATA ascii\n1 2 x 4\n")
        #expect(error.description.hasPrefix("\(Self.path):9: malformed data"))
    }
}
