import Scenario
import Testing
import V2XCore

@Suite struct VoxelFilterTests {
    @Test func pointsInOneVoxelCollapseToTheirCentroid() throws {
        // Two clusters, each well inside one 1 m voxel.
        let cloud = try PointCloud(
            x: [0.1, 0.3, 0.2, 5.1, 5.3], y: [0.1, 0.3, 0.2, 5.1, 5.3],
            z: [0.1, 0.3, 0.2, 0.5, 0.7], intensity: [1, 1, 1, 1, 1]
        )
        let out = try VoxelFilter(leafSizeMeters: 1).apply(to: cloud)
        #expect(out.count == 2)
        let sorted = (0..<out.count).sorted { out.x[$0] < out.x[$1] }
        #expect(abs(out.x[sorted[0]] - 0.2) < 1e-5 && abs(out.z[sorted[0]] - 0.2) < 1e-5)
        #expect(abs(out.x[sorted[1]] - 5.2) < 1e-5 && abs(out.z[sorted[1]] - 0.6) < 1e-5)
    }

    @Test func invalidLeafSizeIsRejected() {
        #expect(throws: V2XError.self) { try VoxelFilter(leafSizeMeters: 0) }
        #expect(throws: V2XError.self) { try VoxelFilter(leafSizeMeters: .nan) }
    }

    @Test func emptyCloudStaysEmpty() throws {
        #expect(try VoxelFilter(leafSizeMeters: 0.5).apply(to: PointCloud()).isEmpty)
    }
}
