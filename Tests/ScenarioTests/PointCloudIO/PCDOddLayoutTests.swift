import Foundation
@testable import Scenario
import Testing
import V2XCore

/// Hand-written files with layouts our writer never produces.
@Suite struct PCDOddLayoutTests {
    private static let raw = PCDReadOptions(dropNonFinite: false)

    /// Little-endian bytes of a value.
    private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    private func header(_ lines: [String], data: String) -> [UInt8] {
        Array((lines + ["DATA \(data)"]).joined(separator: "\n").utf8) + [UInt8(ascii: "\n")]
    }

    private static let oddHeader = [
        "# hand-written: U1 intensity first, padding, I2 x, F8 y, COUNT 3, organised 2 x 2",
        "VERSION 0.7", "FIELDS intensity _ x y normal z", "SIZE 1 1 2 8 4 4", "TYPE U U I F F F", "COUNT 1 3 1 1 3 1",
        "WIDTH 2", "HEIGHT 2", "POINTS 4",
    ]
    private static let expected = (
        x: [Float](arrayLiteral: -300, 0, 32767, -32768), y: [Double](arrayLiteral: 0.5, -1e-3, 1e300, 2),
        z: [Float](arrayLiteral: 1, 2, 3, 4), intensity: [Float](arrayLiteral: 255, 0, 17, 1)
    )

    /// One point of `oddHeader` as binary (array of structures).
    private func record(_ i: Int) -> [UInt8] {
        let e = Self.expected
        return [UInt8(e.intensity[i])] + [0xAA, 0xBB, 0xCC] + le(Int16(e.x[i])) + le(e.y[i].bitPattern)
            + le(Float(9).bitPattern) + le(Float(8).bitPattern) + le(Float(7).bitPattern) + le(e.z[i].bitPattern)
    }

    private func check(_ cloud: PointCloud) {
        #expect(cloud.x == Self.expected.x)
        #expect(cloud.y == Self.expected.y.map { Float($0) } && cloud.y[2] == .infinity)
        #expect(cloud.z == Self.expected.z)
        #expect(cloud.intensity == Self.expected.intensity)
    }

    @Test func asciiOddLayout() throws {
        let rows = [
            "255 1 2 3 -300 0.5 9 8 7 1", "0 0 0 0 0 -1e-3 9 8 7 2", "\t17 0 0 0 32767 1e300 9 8 7 3\r", "", "1 0 0 0 -32768 2 9 8 7 4",
        ]
        let bytes = header(Self.oddHeader, data: "ascii") + Array(rows.joined(separator: "\n").utf8)
        check(try PCDFile.decode(Data(bytes), path: "odd.pcd", options: Self.raw))
    }

    @Test func binaryOddLayoutWithTrailingBytes() throws {
        let bytes = header(Self.oddHeader, data: "binary") + (0..<4).flatMap(record) + [1, 2, 3]
        check(try PCDFile.decode(Data(bytes), path: "odd.pcd", options: Self.raw))
    }

    @Test func binaryCompressedOddLayout() throws {
        // Structure of arrays without the padding field, compressed with our LZF.
        let records = (0..<4).map(record)
        var blocks: [UInt8] = []
        let fieldRanges = [0..<1, 4..<6, 6..<14, 14..<26, 26..<30]  // intensity, x, y, normal, z (padding 1..<4 skipped)
        for range in fieldRanges { for r in records { blocks += r[range] } }
        let compressed = blocks.withUnsafeBytes { LZF.compress($0) }
        let bytes = header(Self.oddHeader, data: "binary_compressed") + le(UInt32(compressed.count)) + le(UInt32(blocks.count))
            + compressed + [0, 0, 0, 0]
        check(try PCDFile.decode(Data(bytes), path: "odd.pcd", options: Self.raw))
    }

    @Test func missingIntensityIsZeroAndRGBAGivesTheRedByte() throws {
        let plain = header(["FIELDS z y x", "SIZE 4 4 4", "TYPE F F F", "WIDTH 1", "HEIGHT 1"], data: "ascii") + Array("3 2 1\n".utf8)
        let cloud = try PCDFile.decode(Data(plain), path: "plain.pcd", options: Self.raw)
        #expect(cloud.x == [1] && cloud.y == [2] && cloud.z == [3] && cloud.intensity == [0])
        let rgba = header(["FIELDS x y z rgba", "SIZE 4 4 4 4", "TYPE F F F U", "WIDTH 1", "HEIGHT 1"], data: "binary")
            + le(Float(1).bitPattern) + le(Float(2).bitPattern) + le(Float(3).bitPattern) + le(UInt32(0xFF33_2211))
        #expect(try PCDFile.decode(Data(rgba), path: "rgba.pcd", options: Self.raw).intensity == [Float(0x33) / 255])
    }

    @Test func asciiPackedColourAcceptsPCLsIntegerAndOpen3DsFloatForms() throws {
        let file = header(["FIELDS x y z rgb", "SIZE 4 4 4 4", "TYPE F F F F", "WIDTH 3", "HEIGHT 1"], data: "ascii")
            + Array("0 0 0 16711680\n0 0 0 9.18355e-39\n0 0 0 4.2e-41\n".utf8)
        let cloud = try PCDFile.decode(Data(file), path: "rgb.pcd", options: Self.raw)
        #expect(cloud.intensity == [1, 100 / 255, 0])
    }

    @Test func headerOfAnOddLayoutIsReported() throws {
        let bytes = header(Self.oddHeader + ["VIEWPOINT 1 2 3 0 1 0 0"], data: "binary") + (0..<4).flatMap(record)
        let parsed = try bytes.withUnsafeBytes { try PCDHeader.parse($0, path: "odd.pcd") }
        #expect(parsed.fields == ["intensity", "_", "x", "y", "normal", "z"])
        #expect(parsed.sizes == [1, 1, 2, 8, 4, 4] && parsed.counts == [1, 3, 1, 1, 3, 1])
        #expect(parsed.types == [.unsigned, .unsigned, .signed, .float, .float, .float])
        #expect(parsed.pointStep == 30 && parsed.byteOffset(ofField: 3) == 6)
        #expect(parsed.width == 2 && parsed.height == 2 && parsed.points == 4 && parsed.version == "0.7")
        #expect(parsed.viewpoint == .init(tx: 1, ty: 2, tz: 3, qw: 0, qx: 1, qy: 0, qz: 0))
        #expect(parsed.dataOffset == bytes.count - 4 * 30)
    }
}

@Suite struct PCDHeaderTextTests {
    @Test func headerTextParsesBackToTheSameHeader() throws {
        var header = try PCDHeader(
            fields: ["x", "y", "z", "_", "label"], sizes: [4, 4, 8, 1, 2], types: [.float, .float, .float, .unsigned, .signed],
            counts: [1, 1, 1, 3, 2], width: 640, height: 2,
            viewpoint: .init(tx: 1.5, ty: -2, tz: 0.25, qw: 0.5, qx: 0.5, qy: -0.5, qz: 0.5), encoding: .binaryCompressed)
        let text = Array(header.text.utf8)
        header.dataOffset = text.count
        #expect(try text.withUnsafeBytes { try PCDHeader.parse($0, path: "h.pcd") } == header)
        #expect(header.points == 1_280 && header.pointStep == 23)
        #expect(throws: V2XError.self) {
            try PCDHeader(fields: ["x"], sizes: [2], types: [.float], counts: [1], width: 1, height: 1, encoding: .ascii)
        }
    }
}
