import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// Files written by PCL's own writer (`pcl_convert_pcd_ascii_binary`) must read back exactly
/// like the ascii file PCL converted.
@Suite struct PCDPCLInteropTests {
    private static let raw = PCDReadOptions(dropNonFinite: false)

    /// Reads `ascii`, converts it with PCL to binary and binary_compressed, and requires all three
    /// clouds to be identical (ascii carries no NaN payloads, and PCL parses "nan" the same way).
    private func requirePCLAgrees(with ascii: URL, in directory: TemporaryDirectory) throws -> PointCloud {
        let source = try PCDFile.read(from: ascii, options: Self.raw)
        for (mode, encoding) in [(1, PCDEncoding.binary), (2, .binaryCompressed)] {
            let converted = directory.file("pcl-\(encoding.rawValue)-\(ascii.lastPathComponent)")
            try PCDTestHelpers.pclConvert(ascii, to: converted, mode: mode)
            #expect(try PCDHeader.read(from: converted).encoding == encoding)
            let read = try PCDFile.read(from: converted, options: Self.raw)
            #expect(PCDTestHelpers.identical(read, source, nanPayloads: false), "PCL \(encoding.rawValue) differs")
        }
        return source
    }

    @Test(arguments: [PCDWriteLayout.xyzIntensity, .open3DPackedRGB])
    func pclConversionsOfOurAsciiReadIdentically(layout: PCDWriteLayout) throws {
        let directory = try TemporaryDirectory()
        var cloud = try PCDTestHelpers.sampleCloud(points: 2_000, seed: 42)
        if layout == .open3DPackedRGB {  // intensities that the red byte holds exactly
            cloud = try PointCloud(x: cloud.x, y: cloud.y, z: cloud.z, intensity: cloud.intensity.map { ($0 * 255).rounded() / 255 })
        }
        let ascii = directory.file("ours.pcd")
        try PCDFile.write(cloud, to: ascii, encoding: .ascii, layout: layout)
        let source = try requirePCLAgrees(with: ascii, in: directory)
        #expect(PCDTestHelpers.identical(source, cloud, nanPayloads: false))
    }

    @Test func pclConversionsOfAnOddLayoutReadIdentically() throws {
        let directory = try TemporaryDirectory()
        let ascii = directory.file("odd.pcd")
        try PCDTestHelpers.asciiFile(
            [
                "VERSION 0.7", "FIELDS intensity normal z label x y", "SIZE 2 4 8 1 4 4", "TYPE U F F I F F",
                "COUNT 1 3 1 1 1 1", "WIDTH 3", "HEIGHT 2", "VIEWPOINT 0 0 0 1 0 0 0", "POINTS 6",
            ],
            [
                "65535 0 0 1 0.1000000000000000055511151231257827 -5 1.5 2.5",
                "0 1 1 1 -1e-300 127 -0.0 3.4028235e+38",
                "7 0.5 0.5 0.5 123456789.123456789 -128 7.006492e-45 -1e-45",
                "300 0 0 0 nan 0 nan nan",
                "12 0 0 0 2.5e10 3 -2.5e10 16777217",
                "1 0 0 0 1e-30 -3 0.30000001192092896 1.17549435e-38",
            ]
        ).write(to: ascii)
        let cloud = try requirePCLAgrees(with: ascii, in: directory)
        #expect(cloud.count == 6)
        #expect(cloud.intensity == [65535, 0, 7, 300, 12, 1])
        #expect(Array(cloud.z[0..<3]) == [Float(0.1), -0.0, Float(123456789.123456789)] && cloud.z[3].isNaN)
        #expect(Array(cloud.z[4...]) == [2.5e10, 1e-30])
        #expect(cloud.x[1].bitPattern == 0x8000_0000 && cloud.y[1] == .greatestFiniteMagnitude)
        #expect(cloud.y[4] == 16_777_216)  // 16777217 rounds to even
    }

    @Test func pclWrittenFixturesMatchTheirAsciiSource() throws {
        let ascii = try PCDFile.read(from: PCDTestHelpers.fixture("opv2v_rgb_ascii.pcd"), options: Self.raw)
        // Red bytes 255, 0, 100, 128 of Open3D's packed-rgb floats (two of them subnormal).
        #expect(ascii.intensity == [1, 0, 100 / 255, 128 / 255])
        #expect(ascii.y[2].bitPattern == 1 && ascii.z[2].bitPattern == 0x8000_0000)
        for name in ["pcl_rgb_binary.pcd", "pcl_rgb_binary_compressed.pcd"] {
            let url = try PCDTestHelpers.fixture(name)
            let read = try PCDFile.read(from: url, options: Self.raw)
            #expect(PCDTestHelpers.identical(read, ascii, nanPayloads: false), "\(name)")
            // PCL pads its files with zeros after the payload; the reader ignores them.
            let header = try PCDHeader.read(from: url)
            #expect(try Data(contentsOf: url).count > header.dataOffset + (header.encoding == .binary ? 64 : 8))
            #expect(header.width == 2 && header.height == 2)
        }
        let organised = try PCDFile.read(from: PCDTestHelpers.fixture("pcl_rgb_binary_compressed.pcd"))
        #expect(organised.count == 3)  // the NaN row of the organised cloud is dropped
    }
}
