import Foundation
import Fusion
import Testing
import V2XCore

@Suite struct HeadingAlignmentTests {
    let lidar = Pose(x: 11, y: 11, z: 5.5, yaw: -2.356)
    @Test func theSharedFrameHasNoHeadingAndTheSameOrigin() {
        let alignment = HeadingAlignment(lidarPose: lidar)
        #expect(abs(alignment.sharedToWorld.yaw) < 1e-12)
        #expect(alignment.sharedToWorld.translation == lidar.translation)
    }

    @Test func pointsLandOnTheSameWorldSpotThroughEitherFrame() throws {
        let alignment = HeadingAlignment(lidarPose: lidar)
        let points = try PointCloud(x: [3, -7], y: [1, 4], z: [0, -5], intensity: [0, 1])
        let viaLidar = points.transformed(by: lidar)
        let viaShared = alignment.shared(points).transformed(by: alignment.sharedToWorld)
        for i in 0..<2 {
            #expect(abs(viaLidar.x[i] - viaShared.x[i]) < 1e-4 && abs(viaLidar.y[i] - viaShared.y[i]) < 1e-4 && abs(viaLidar.z[i] - viaShared.z[i]) < 1e-4)
        }
    }

    @Test func boxesComeBackToTheLidarFrame() {
        let alignment = HeadingAlignment(lidarPose: lidar)
        let box = Box3D(x: 5, y: -2, z: 0, l: 4, w: 2, h: 1.5, yaw: 0.3, score: 1, label: .car)
        let back = alignment.lidar([box.transformed(by: alignment.lidarToShared)])[0]
        #expect(abs(back.x - 5) < 1e-9 && abs(back.y + 2) < 1e-9 && abs(back.yaw - 0.3) < 1e-9)
    }
}
