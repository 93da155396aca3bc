import Foundation
@testable import Scenario
import Testing
import V2XCore
import V2XTestSupport

@Suite("Generated scenario export")
struct ScenarioExportTests {
    /// A throwaway project root: the bundled presets and rigs, with small LiDAR files under
    /// the bundled names so that a debug build generates quickly.
    func makeProject() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory(prefix: "v2x-generator-project")
        let fm = FileManager.default
        for folder in ["scenarios/presets", "calibration/rigs", "calibration/lidars"] {
            try fm.createDirectory(at: dir.url.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        for folder in ["scenarios/presets", "calibration/rigs"] {
            for file in try fm.contentsOfDirectory(atPath: GeneratorFixtures.projectRoot.appendingPathComponent(folder).path) {
                try fm.copyItem(at: GeneratorFixtures.projectRoot.appendingPathComponent("\(folder)/\(file)"),
                                to: dir.url.appendingPathComponent("\(folder)/\(file)"))
            }
        }
        for name in ["hdl64", "hdl32"] {
            let text = """
                name: \(name)
                rotation_rate_hz: 10
                azimuth_resolution_deg: 2
                min_range_m: 1
                max_range_m: 80
                range_noise_sigma_m: 0.02
                dropout_probability: 0.02
                intensity_noise_sigma: 0.02
                beam_elevations_deg: [2, 0, -2, -4, -6, -9, -12, -16]
                """
            try text.write(to: dir.url.appendingPathComponent("calibration/lidars/\(name).yaml"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    @Test("the default scenario is written completely, read back as OPV2V, and reused")
    func defaultScenario() throws {
        let project = try makeProject()
        let folder = DefaultScenario.directory(projectRoot: project.url)
        // An interrupted earlier run: a folder without a manifest must not count as complete.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("stale-agent"), withIntermediateDirectories: true)
        var reported = 0
        let url = try DefaultScenario.ensure(projectRoot: project.url) { done, total in
            #expect(total == DefaultScenario.frameCount)
            reported = done
        }
        #expect(url == folder)
        #expect(reported == DefaultScenario.frameCount)
        let manifest = try ScenarioManifest.load(fromScenario: folder)
        #expect(manifest.preset == DefaultScenario.presetName && manifest.seed == DefaultScenario.seed)
        #expect(manifest.frames == DefaultScenario.frameCount)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("stale-agent").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)

        // Read back through the OPV2V reader: same agents, frames, points and poses.
        let read = try OPV2VScenario(directory: folder)
        let preset = try ScenarioPreset.load(named: DefaultScenario.presetName, projectRoot: project.url)
        let generated = try GeneratedScenario(preset: preset, sensors: SensorCatalog.load(for: preset, projectRoot: project.url),
                                              seed: DefaultScenario.seed, frameCount: DefaultScenario.frameCount, name: "default")
        #expect(read.frameIDs == generated.frameIDs)
        #expect(Set(read.agentIDs) == Set(generated.agentIDs))
        #expect(manifest.agents.map(\.id) == generated.agentIDs)
        let original = try generated.frame(at: 5), loaded = try read.frame(at: 5)
        for agent in original.agents {
            let back = try #require(loaded.agents.first { $0.agentID == agent.agentID })
            #expect(back.kind == agent.kind)
            #expect(back.points.count == agent.points.count)
            #expect(back.timestamp == agent.timestamp)
            let d = back.lidarPose.translation - agent.lidarPose.translation
            #expect((d * d).sum().squareRoot() < 1e-6)
            #expect(abs(Box3D.normalizedAngle(back.lidarPose.yaw - agent.lidarPose.yaw)) < 1e-6)
            #expect(Set(back.objects.map(\.id)) == Set(agent.objects.map(\.id)))
            if let i = agent.points.x.indices.first {
                #expect(abs(back.points.x[i] - agent.points.x[i]) < 1e-5 && abs(back.points.y[i] - agent.points.y[i]) < 1e-5)
            }
        }

        // A second call finds the complete copy and leaves it alone.
        let marker = folder.appendingPathComponent("kept.txt")
        try "x".write(to: marker, atomically: true, encoding: .utf8)
        var regenerated = false
        _ = try DefaultScenario.ensure(projectRoot: project.url) { _, _ in regenerated = true }
        #expect(!regenerated)
        #expect(FileManager.default.fileExists(atPath: marker.path))

        // Exporting onto an existing folder needs an explicit overwrite.
        #expect(throws: V2XError.self) { try ScenarioExporter().write(generated, to: folder) }
    }
}

@Suite("Generated scenario manifest")
struct ScenarioManifestTests {
    @Test("the manifest reads back equal, and every float keeps a decimal point (YAML 1.1 readers)")
    func roundTrip() throws {
        var preset = try GeneratorFixtures.preset("intersection")
        preset.description = "it's a 'quoted' description: with colons"
        preset.noise = try .init(positionSigmaMeters: 0.00005, headingSigmaDegrees: 2, clockOffsetMaxMilliseconds: 1e20.squareRoot() / 1e7)
        let scenario = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: 77, frameCount: 2)
        let manifest = ScenarioManifest(scenario, encoding: .binaryCompressed)
        let text = manifest.yamlText()
        let back = try GeneratorYAML.decode(ScenarioManifest.self, text: text, path: "scenario.yaml")
        #expect(back == manifest)
        #expect(back.describesSameData(as: manifest))
        #expect(text.contains("position_sigma_m: 5.0e-05"))
        #expect(ScenarioManifest.yamlFloat(2) == "2.0")
        #expect(ScenarioManifest.yamlFloat(1e21) == "1.0e+21")
        var other = manifest
        other.seed = 78
        #expect(!other.describesSameData(as: manifest))
    }
}
