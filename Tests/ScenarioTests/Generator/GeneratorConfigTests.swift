import Foundation
@testable import Scenario
import Testing
import V2XCore
import V2XTestSupport

@Suite("Generator configuration files")
struct GeneratorConfigTests {
    let root = GeneratorFixtures.projectRoot

    func files(in folder: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    }

    @Test("every bundled preset, LiDAR model and rig parses, and names match file names")
    func bundledFilesParse() throws {
        let presets = try files(in: "scenarios/presets")
        #expect(presets.count >= 4)
        var kinds = Set<ScenarioPreset.LayoutKind>()
        for url in presets {
            let preset = try ScenarioPreset.load(from: url)
            #expect(preset.name == url.deletingPathExtension().lastPathComponent)
            kinds.insert(preset.layout.kind)
            _ = try SensorCatalog.load(for: preset, projectRoot: root)
        }
        #expect(kinds == Set(ScenarioPreset.LayoutKind.allCases))
        let lidars = try files(in: "calibration/lidars").map(LidarModel.load)
        #expect(lidars.contains { $0.beamCount == 64 } && lidars.contains { $0.beamCount == 32 })
        for lidar in lidars where lidar.name == "hdl64" {
            #expect(lidar.raysPerSweep == 64 * 1800)
            #expect(abs(lidar.beamElevationsDegrees.max()! - 2) < 1e-9)
            #expect(lidar.beamElevationsDegrees.min()! < -24)
        }
        for url in try files(in: "calibration/rigs") {
            #expect(try SensorRig.load(from: url).name == url.deletingPathExtension().lastPathComponent)
        }
    }

    /// Writes `text` to a temporary file and expects loading it to fail with `code`, naming the file.
    func expectRejected<T>(_ text: String, code: V2XError.Code, containing fragment: String, load: (URL) throws -> T) throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("bad.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        do {
            _ = try load(url)
            Issue.record("loading succeeded for a malformed file")
        } catch let error as V2XError {
            #expect(error.code == code, "\(error)")
            #expect(error.path == url.path)
            #expect(error.message.contains(fragment), "\(error)")
        }
    }

    var validLidar: String {
        """
        name: tiny
        rotation_rate_hz: 10
        azimuth_resolution_deg: 0.5
        min_range_m: 1
        max_range_m: 80
        range_noise_sigma_m: 0.02
        dropout_probability: 0.0
        intensity_noise_sigma: 0.0
        beam_elevations_deg: [1.0, -1.0, -3.0]
        """
    }

    @Test("malformed LiDAR files give a V2XError naming the file")
    func malformedLidar() throws {
        let dir = try TemporaryDirectory()
        try validLidar.write(to: dir.file("ok.yaml"), atomically: true, encoding: .utf8)
        #expect(try LidarModel.load(from: dir.file("ok.yaml")).raysPerSweep == 3 * 720)
        try expectRejected(validLidar.replacingOccurrences(of: "0.5", with: "0.7"), code: .invalidArgument, containing: "whole columns", load: LidarModel.load)
        try expectRejected(validLidar.replacingOccurrences(of: "dropout_probability: 0.0", with: "dropout_probability: 1.0"), code: .invalidArgument, containing: "dropout_probability", load: LidarModel.load)
        try expectRejected(validLidar.replacingOccurrences(of: "max_range_m: 80", with: "max_range: 80"), code: .malformedData, containing: "max_range", load: LidarModel.load)
        try expectRejected(validLidar + "\nextra_key: 1", code: .malformedData, containing: "extra_key", load: LidarModel.load)
        try expectRejected(validLidar.replacingOccurrences(of: "[1.0, -1.0, -3.0]", with: "[1.0, high]"), code: .malformedData, containing: "beam_elevations_deg", load: LidarModel.load)
        try expectRejected("name: [unclosed", code: .malformedData, containing: "YAML", load: LidarModel.load)
        #expect(throws: V2XError.self) { try LidarModel.load(from: dir.file("missing.yaml")) }
    }

    @Test("malformed presets and rigs give a V2XError naming the file")
    func malformedPreset() throws {
        let text = try String(contentsOf: ScenarioPreset.url(named: "intersection", projectRoot: root), encoding: .utf8)
        try expectRejected(text.replacingOccurrences(of: "lanes_per_direction: 2", with: "lanes_per_direction: 9"), code: .invalidArgument, containing: "lanes_per_direction", load: ScenarioPreset.load(from:))
        try expectRejected(text.replacingOccurrences(of: "kind: intersection", with: "kind: roundabout"), code: .malformedData, containing: "layout.kind", load: ScenarioPreset.load(from:))
        try expectRejected(text.replacingOccurrences(of: "trees_per_100m", with: "tress_per_100m"), code: .malformedData, containing: "tress_per_100m", load: ScenarioPreset.load(from:))
        try expectRejected(text.replacingOccurrences(of: "bus: 0.06", with: "tram: 0.06"), code: .malformedData, containing: "tram", load: ScenarioPreset.load(from:))
        try expectRejected(text.replacingOccurrences(of: "vehicle_rigs: [roof-hdl64, roof-hdl32, roof-hdl64]", with: "vehicle_rigs: [roof-hdl64]"), code: .invalidArgument, containing: "2…5", load: ScenarioPreset.load(from:))
        try expectRejected(text.replacingOccurrences(of: "signal_cycle_s: 40", with: "signal_cycle_s: .nan"), code: .invalidArgument, containing: "signal_cycle_s", load: ScenarioPreset.load(from:))
        try expectRejected("name: r\nkind: rsu\nlidar: hdl32\nmount_height_m: 0.5\n", code: .invalidArgument, containing: "mount_height_m", load: SensorRig.load)
        try expectRejected("name: r\nkind: boat\nlidar: hdl32\nmount_height_m: 0.5\n", code: .malformedData, containing: "kind", load: SensorRig.load)
    }

    @Test("more parked vehicles than the kerbs hold is refused, not quietly reduced")
    func tooManyParkedVehicles() throws {
        var preset = try GeneratorFixtures.preset("suburban-t-junction")
        preset.scenery.parkedVehicles = 200
        #expect(throws: V2XError.self) {
            _ = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: 1, frameCount: 1)
        }
    }

    @Test("a preset changed in code is checked again by the generator")
    func presetRevalidated() throws {
        var preset = try GeneratorFixtures.preset("intersection")
        preset.traffic.signalCycleSeconds = -5
        #expect(throws: V2XError.self) {
            _ = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: 1, frameCount: 1)
        }
    }

    @Test("a rig listed for the wrong agent kind is refused")
    func rigKindMismatch() throws {
        var preset = try GeneratorFixtures.preset("intersection")
        preset.agents.rsuRigs = ["roof-hdl64"]
        #expect(throws: V2XError.self) {
            _ = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: 1, frameCount: 1)
        }
    }

    @Test("the bundled splits parse, keep seeds disjoint and hold out a preset for testing")
    func bundledSplits() throws {
        let splits = try ScenarioSplits.load(from: root.appendingPathComponent("scenarios/splits.yaml"))
        #expect(splits.splits.map(\.name) == ["train", "val", "test"])
        let train = Set(splits.splits[0].scenarios.map(\.preset))
        #expect(splits.splits[2].scenarios.contains { !train.contains($0.preset) })
        for split in splits.splits { for entry in split.scenarios {
            #expect(FileManager.default.fileExists(atPath: ScenarioPreset.url(named: entry.preset, projectRoot: root).path))
        } }
    }

    @Test("splits that share a seed or train on every test preset are refused")
    func badSplits() throws {
        let e = { (p: String, s: UInt64) in ScenarioSplits.Entry(preset: p, seed: s, frames: 10) }
        #expect(throws: V2XError.self) {
            try ScenarioSplits(splits: [.init(name: "train", scenarios: [e("intersection", 1)]), .init(name: "test", scenarios: [e("highway", 1)])])
        }
        #expect(throws: V2XError.self) {
            try ScenarioSplits(splits: [.init(name: "train", scenarios: [e("intersection", 1)]), .init(name: "test", scenarios: [e("intersection", 2)])])
        }
        let ok = try ScenarioSplits(splits: [.init(name: "train", scenarios: [e("intersection", 1)]), .init(name: "test", scenarios: [e("highway", 2)])])
        #expect(ok.totalFrames == 20)
        try expectRejected("splits:\n  - name: train\n    scenarios: [{preset: a, seed: 1, frames: 5, colour: red}]\n", code: .malformedData, containing: "colour", load: ScenarioSplits.load)
    }
}
