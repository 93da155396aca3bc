import Foundation
@testable import Scenario
import V2XCore

/// Shared helpers for the generator's tests: the repository's folders and small sensors
/// that keep debug-build ray casting fast.
enum GeneratorFixtures {
    /// The package root (where `scenarios/` and `calibration/` live).
    static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Generator/ ScenarioTests/ Tests/ → root
        return url
    }()

    /// A coarse 16-beam LiDAR (1° columns): 5 760 rays a sweep.
    static func smallLidar(name: String = "test16", dropout: Double = 0, rangeNoise: Double = 0.02) throws -> LidarModel {
        try LidarModel(
            name: name, beamElevationsDegrees: (0..<16).map { 2.0 - Double($0) * 1.2 },
            azimuthResolutionDegrees: 1.0, rotationRateHertz: 10, minRangeMeters: 1, maxRangeMeters: 90,
            rangeNoiseSigmaMeters: rangeNoise, dropoutProbability: dropout, intensityNoiseSigma: 0.02
        )
    }

    /// Rigs with the names the bundled presets use, all carrying the small LiDAR.
    static func smallCatalog(dropout: Double = 0.03) throws -> SensorCatalog {
        let lidar = try smallLidar(dropout: dropout)
        let rigs = try ["roof-hdl64", "roof-hdl32"].map {
            try SensorRig(name: $0, kind: .vehicle, lidarName: lidar.name, mountHeightMeters: 0.3, mountForwardMeters: 0)
        } + ["pole-hdl32", "pole-hdl64"].map {
            try SensorRig(name: $0, kind: .roadsideUnit, lidarName: lidar.name, mountHeightMeters: 5.5, mountForwardMeters: 0)
        }
        return try SensorCatalog(rigs: rigs, lidars: [lidar])
    }

    static func preset(_ name: String) throws -> ScenarioPreset {
        try ScenarioPreset.load(named: name, projectRoot: projectRoot)
    }

    /// Whether two boxes' footprints (BEV rectangles) overlap (separating-axis test).
    static func footprintsOverlap(_ a: Box3D, _ b: Box3D) -> Bool {
        let ca = a.bevCorners, cb = b.bevCorners
        for corners in [ca, cb] {
            for i in 0..<4 {
                let e = corners[(i + 1) % 4] - corners[i]
                let axis = SIMD2(-e.y, e.x)
                let pa = ca.map { ($0 * axis).sum() }, pb = cb.map { ($0 * axis).sum() }
                if pa.max()! < pb.min()! || pb.max()! < pa.min()! { return false }
            }
        }
        return true
    }
}
