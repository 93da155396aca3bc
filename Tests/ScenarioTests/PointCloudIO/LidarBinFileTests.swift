import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

@Suite struct LidarBinFileTests {
    private func write(_ floats: [Float], to url: URL) throws {
        try floats.map(\.bitPattern.littleEndian).withUnsafeBytes { try Data($0).write(to: url) }
    }

    @Test func readsKITTIFourFloatStride() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("000000.bin")
        try write([1, 2, 3, 0.5, -4, 5.5, .leastNonzeroMagnitude, 0.25], to: url)
        let cloud = try LidarBinFile.read(from: url)
        #expect(cloud.x == [1, -4] && cloud.y == [2, 5.5] && cloud.z == [3, .leastNonzeroMagnitude] && cloud.intensity == [0.5, 0.25])
    }

    @Test func readsNuScenesFiveFloatStride() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("sweep.pcd.bin")
        try write([1, 2, 3, 100, 7, 4, 5, 6, 200, 31], to: url)
        let cloud = try LidarBinFile.read(from: url, floatsPerPoint: LidarBinFile.nuScenesFloatsPerPoint)
        #expect(cloud.x == [1, 4] && cloud.intensity == [100, 200])
    }

    @Test func sizeThatIsNotAWholeNumberOfPointsIsATypedError() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("cut.bin")
        try write([1, 2, 3, 4, 5, 6], to: url)
        let error = try #require(throws: V2XError.self) { try LidarBinFile.read(from: url) }
        #expect(error.code == .malformedData && error.path == url.path && error.message.contains("24 bytes"))
        #expect(try LidarBinFile.read(from: url, floatsPerPoint: 6).count == 1)
        #expect(throws: V2XError.self) { try LidarBinFile.read(from: url, floatsPerPoint: 3) }
    }

    @Test func emptyFileIsAnEmptyCloud() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("empty.bin")
        try Data().write(to: url)
        #expect(try LidarBinFile.read(from: url).isEmpty)
    }
}
