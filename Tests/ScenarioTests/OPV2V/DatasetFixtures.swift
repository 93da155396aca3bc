import Foundation
import Scenario
import Testing
import V2XCore

/// Paths to the dataset fixtures (`Fixtures/opv2v`, `Fixtures/dair`) and comparison helpers
/// shared by the OPV2V and DAIR tests.
enum DatasetFixtures {
    /// A file or folder under `Fixtures/`.
    static func url(_ relativePath: String) throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let url = root.appendingPathComponent(relativePath)
        #expect(FileManager.default.fileExists(atPath: url.path), "fixture \(relativePath) is missing")
        return url
    }

    /// Largest absolute difference between two poses' matrices and translations.
    static func distance(_ a: Pose, _ b: Pose) -> Double {
        let rotation = zip(a.rotation, b.rotation).map { abs($0 - $1) }.max() ?? 0
        let t = a.translation - b.translation
        return max(rotation, abs(t.x), abs(t.y), abs(t.z))
    }

    /// Largest absolute difference between two boxes' numbers (yaw wrapped), or infinity
    /// when their labels differ.
    static func distance(_ a: Box3D, _ b: Box3D) -> Double {
        guard a.label == b.label, a.score == b.score else { return .infinity }
        let yaw = abs(Box3D.normalizedAngle(a.yaw - b.yaw))
        return [abs(a.x - b.x), abs(a.y - b.y), abs(a.z - b.z), abs(a.l - b.l), abs(a.w - b.w), abs(a.h - b.h), yaw].max() ?? 0
    }
}

extension DatasetFixtures {
    /// Largest absolute coordinate difference of two points.
    static func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
        let d = a - b
        return max(abs(d.x), abs(d.y), abs(d.z))
    }
}
