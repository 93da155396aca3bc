import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// The DAIR-V2X-C calibration chain on a case computed by hand.
///
/// Fixture frame 000010: vehicle LiDAR → NovAtel is Rz(+90°) with t = (0.5, 0, 1.5);
/// NovAtel → world is Rz(−90°) with t = (1000, 2000, 10). So vehicle LiDAR → world has
/// R = Rz(−90°)·Rz(90°) = I and t = Rz(−90°)·(0.5, 0, 1.5) + (1000, 2000, 10)
/// = (0, −0.5, 1.5) + (1000, 2000, 10) = (1000, 1999.5, 11.5).
/// Infrastructure LiDAR → world is Rz(180°) with t = (1020, 1999.5, 16.5), so the
/// infrastructure point (10, 0, −5) is at world (1010, 1999.5, 11.5), which the vehicle
/// LiDAR sees at (10, 0, 0).
@Suite struct DAIRCalibrationTests {
    static func file(_ path: String) throws -> URL { try DatasetFixtures.url("dair/" + path) }

    @Test func vehicleLidarPoseComposesNovatelToWorldAfterLidarToNovatel() throws {
        let pose = try DAIRCalibration.vehicleLidarPose(
            lidarToNovatel: Self.file("vehicle-side/calib/lidar_to_novatel/000010.json"),
            novatelToWorld: Self.file("vehicle-side/calib/novatel_to_world/000010.json")
        )
        let expected = Pose(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: SIMD3(1000, 1999.5, 11.5))
        #expect(DatasetFixtures.distance(pose, expected) < 1e-12)
    }

    @Test func infrastructureToVehicleLidarMatchesTheHandComputedPoint() throws {
        let vehicle = try DAIRCalibration.vehicleLidarPose(
            lidarToNovatel: Self.file("vehicle-side/calib/lidar_to_novatel/000010.json"),
            novatelToWorld: Self.file("vehicle-side/calib/novatel_to_world/000010.json")
        )
        let infrastructure = try DAIRCalibration.infrastructureLidarPose(
            virtualLidarToWorld: Self.file("infrastructure-side/calib/virtuallidar_to_world/000009.json")
        )
        let world = infrastructure.apply(SIMD3(10, 0, -5))
        #expect(DatasetFixtures.distance(world, SIMD3(1010, 1999.5, 11.5)) < 1e-12)
        let inVehicle = Pose.relative(from: infrastructure, to: vehicle).apply(SIMD3(10, 0, -5))
        #expect(DatasetFixtures.distance(inVehicle, SIMD3(10, 0, 0)) < 1e-12)
    }

    @Test func numbersMayBeStrings() throws {
        // Frame 000012's novatel_to_world writes every number as a string.
        let pose = try DAIRCalibration.vehicleLidarPose(
            lidarToNovatel: Self.file("vehicle-side/calib/lidar_to_novatel/000012.json"),
            novatelToWorld: Self.file("vehicle-side/calib/novatel_to_world/000012.json")
        )
        #expect(DatasetFixtures.distance(pose.translation, SIMD3(1002, 1999.5, 11.5)) < 1e-12)
    }

    static let badFiles: [(String, V2XError.Code)] = [
        (#"{"rotation": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}"#, .notFound),
        (#"{"rotation": [[1, 0, 0], [0, 1, 0]], "translation": [[0], [0], [0]]}"#, .malformedData),
        (#"{"rotation": [[2, 0, 0], [0, 1, 0], [0, 0, 1]], "translation": [[0], [0], [0]]}"#, .malformedData),
        (#"{"rotation": [[1, 0, 0], [0, 1, 0], [0, 0, -1]], "translation": [[0], [0], [0]]}"#, .malformedData),
        (#"{"rotation": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "translation": [["x"], [0], [0]]}"#, .malformedData),
        (#"{"rotation": [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "translation": [[0], [0]]}"#, .malformedData),
        (#"{"rotation": "#, .malformedData),
    ]

    @Test(arguments: 0..<badFiles.count)
    func badCalibrationFilesAreTypedErrorsNamingTheFile(case index: Int) throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("calib.json")
        try Self.badFiles[index].0.write(to: url, atomically: true, encoding: .utf8)
        #expect {
            try DAIRCalibration.infrastructureLidarPose(virtualLidarToWorld: url)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == Self.badFiles[index].1 && error.path == url.path
        }
    }

    @Test func missingFileIsNotFound() throws {
        let dir = try TemporaryDirectory()
        #expect {
            try DAIRCalibration.infrastructureLidarPose(virtualLidarToWorld: dir.file("absent.json"))
        } throws: { ($0 as? V2XError)?.code == .notFound }
    }
}
