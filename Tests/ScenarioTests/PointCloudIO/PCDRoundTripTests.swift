import Foundation
@testable import Scenario
import Testing
import V2XCore
import V2XTestSupport

@Suite struct PCDRoundTripTests {
    @Test(arguments: PCDEncoding.allCases)
    func ownWriterRoundTripsExactly(encoding: PCDEncoding) throws {
        let directory = try TemporaryDirectory()
        let cloud = try PCDTestHelpers.sampleCloud(points: 3_000, seed: 7)
        let url = directory.file("cloud.pcd")
        try PCDFile.write(cloud, to: url, encoding: encoding)
        let read = try PCDFile.read(from: url, options: .init(dropNonFinite: false))
        // ascii writes "nan" without payload; binary encodings keep every bit.
        #expect(PCDTestHelpers.identical(read, cloud, nanPayloads: encoding != .ascii))
        let header = try PCDHeader.read(from: url)
        #expect(header.fields == ["x", "y", "z", "intensity"])
        #expect(header.encoding == encoding && header.points == 3_000 && header.width == 3_000 && header.height == 1)
    }

    @Test(arguments: [PCDEncoding.binary, .binaryCompressed])
    func nanPayloadsSurviveBinaryEncodings(encoding: PCDEncoding) throws {
        let directory = try TemporaryDirectory()
        let payloadNaN = Float(bitPattern: 0x7FA0_1234)  // a signalling NaN with a payload
        let cloud = try PointCloud(x: [payloadNaN, 1], y: [2, 3], z: [4, 5], intensity: [Float(bitPattern: 0xFFC0_0001), 0.5])
        let url = directory.file("nan.pcd")
        try PCDFile.write(cloud, to: url, encoding: encoding)
        let read = try PCDFile.read(from: url, options: .init(dropNonFinite: false))
        #expect(read.x[0].bitPattern == 0x7FA0_1234 && read.intensity[0].bitPattern == 0xFFC0_0001)
    }

    @Test(arguments: PCDEncoding.allCases)
    func nonFiniteRowsAreDroppedOnRequest(encoding: PCDEncoding) throws {
        let directory = try TemporaryDirectory()
        let cloud = try PointCloud(
            x: [1, .nan, 3, 4, .infinity], y: [1, 2, -.infinity, 4, 5], z: [1, 2, 3, .nan, 5], intensity: [0.1, 0.2, 0.3, 0.4, 0.5])
        let url = directory.file("holes.pcd")
        try PCDFile.write(cloud, to: url, encoding: encoding)
        let dropped = try PCDFile.read(from: url)
        #expect(dropped.x == [1] && dropped.intensity == [0.1])
        #expect(try PCDFile.read(from: url, options: .init(dropNonFinite: false)).count == 5)
    }

    @Test(arguments: PCDEncoding.allCases)
    func emptyCloudRoundTrips(encoding: PCDEncoding) throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("empty.pcd")
        try PCDFile.write(PointCloud(), to: url, encoding: encoding)
        #expect(try PCDFile.read(from: url).isEmpty)
    }

    @Test(arguments: PCDEncoding.allCases)
    func packedRGBLayoutKeepsIntensityInTheRedByte(encoding: PCDEncoding) throws {
        let directory = try TemporaryDirectory()
        let levels = (0...255).map { Float($0) / 255 }
        let cloud = try PointCloud(x: levels.map { $0 * 10 }, y: levels, z: levels.map { -$0 }, intensity: levels)
        let url = directory.file("rgb.pcd")
        try PCDFile.write(cloud, to: url, encoding: encoding, layout: .open3DPackedRGB)
        #expect(try PCDHeader.read(from: url).fields == ["x", "y", "z", "rgb"])
        let read = try PCDFile.read(from: url)
        #expect(read.intensity == levels)
        #expect(read.x == cloud.x && read.y == cloud.y && read.z == cloud.z)
    }

    @Test func packedRGBAsciiIsOpen3DsFloatForm() throws {
        let cloud = try PointCloud(x: [1], y: [2], z: [3], intensity: [1])
        let bytes = try PCDFile.encode(cloud, encoding: .ascii, layout: .open3DPackedRGB, path: "mem")
        let text = String(decoding: bytes, as: UTF8.self)
        // 0x00FF0000 as a float: what Open3D writes for pure red.
        #expect(text.hasSuffix("\n1.0 2.0 3.0 2.3418052e-38\n"))
    }

    @Test func packedRGBRejectsIntensityOutsideTheUnitRange() throws {
        let directory = try TemporaryDirectory()
        for bad: Float in [1.5, -0.1, .nan] {
            let cloud = try PointCloud(x: [0], y: [0], z: [0], intensity: [bad])
            #expect(throws: V2XError.self) {
                try PCDFile.write(cloud, to: directory.file("bad.pcd"), encoding: .ascii, layout: .open3DPackedRGB)
            }
        }
    }

    @Test func writeToAMissingDirectoryIsAnIOFailure() throws {
        let url = URL(fileURLWithPath: "/nonexistent-v2x-dir/x.pcd")
        let error = try #require(throws: V2XError.self) { try PCDFile.write(PointCloud(), to: url, encoding: .binary) }
        #expect(error.code == .ioFailure && error.path == url.path)
    }

    @Test func readingAMissingFileNamesIt() throws {
        let url = URL(fileURLWithPath: "/nonexistent-v2x-dir/x.pcd")
        let error = try #require(throws: V2XError.self) { try PCDFile.read(from: url) }
        #expect(error.code == .notFound && error.path == url.path)
    }
}
