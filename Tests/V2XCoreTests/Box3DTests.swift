import Testing
import V2XCore

@Suite struct Box3DTests {
    @Test func cornersOfARotatedBox() {
        let box = Box3D(x: 1, y: 2, z: 0, l: 4, w: 2, h: 1.5, yaw: .pi / 2)
        let c = box.bevCorners
        // Front-left corner: 2 m along the heading (+y), 1 m to its left (-x).
        #expect(abs(c[0].x - 0) < 1e-12 && abs(c[0].y - 4) < 1e-12)
    }

    @Test func containsRespectsHeadingAndMargin() {
        let box = Box3D(x: 0, y: 0, z: 1, l: 4, w: 2, h: 2, yaw: .pi / 2)
        #expect(box.contains(SIMD3(0, 1.9, 1)))
        #expect(!box.contains(SIMD3(1.9, 0, 1)))
        #expect(box.contains(SIMD3(1.05, 0, 1), margin: 0.1))
    }

    @Test func footprintIgnoresHeightButNotHeading() {
        let box = Box3D(x: 2, y: 0, z: 30, l: 4, w: 2, h: 1, yaw: .pi / 2)
        #expect(box.footprintContains(x: 2, y: 1.9))
        #expect(box.footprintContains(x: 2.9, y: -2))
        #expect(!box.footprintContains(x: 0, y: 0))
        #expect(!box.footprintContains(x: 3.1, y: 0))
    }

    @Test func transformMovesCentreAndHeading() {
        let box = Box3D(x: 1, y: 0, z: 0, l: 4, w: 2, h: 1.5, yaw: 0.5)
        let moved = box.transformed(by: Pose(x: 0, y: 0, z: 0, yaw: .pi / 2))
        #expect(abs(moved.x) < 1e-12 && abs(moved.y - 1) < 1e-12)
        #expect(abs(moved.yaw - (0.5 + .pi / 2)) < 1e-12)
    }

    @Test func anglesWrapIntoHalfOpenInterval() {
        #expect(abs(Box3D.normalizedAngle(3 * .pi) - .pi) < 1e-12)
        #expect(abs(Box3D.normalizedAngle(-.pi) - .pi) < 1e-12)
        #expect(abs(Box3D.normalizedAngle(-0.5)  + 0.5) < 1e-12)
    }
}
