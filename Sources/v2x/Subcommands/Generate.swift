import ArgumentParser
import Foundation
import Scenario
import V2XCore

/// `v2x generate`: writes synthetic multi-agent scenarios in the OPV2V layout.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate synthetic multi-agent LiDAR scenarios in the OPV2V layout.",
        discussion: """
            One scenario: --preset P --seed N --frames F --out DIR writes DIR/<agent>/<frame>.pcd+.yaml \
            and DIR/scenario.yaml. All splits: --splits scenarios/splits.yaml --out DIR writes \
            DIR/<split>/<preset>_s<seed>/…, keeping scenarios that are already complete. Presets live in \
            scenarios/presets/, sensors in calibration/lidars/ and calibration/rigs/. Equal inputs give \
            identical files.
            """
    )

    @Option(help: "Preset name (scenarios/presets/<name>.yaml).")
    var preset: String?

    @Option(help: "Random seed: equal seeds give identical scenarios.")
    var seed: UInt64?

    @Option(help: "Number of 10 Hz frames.")
    var frames: Int = 100

    @Option(help: "Splits file listing train/val/test scenarios (instead of --preset).")
    var splits: String?

    @Option(help: "Output folder: the scenario folder (--preset) or the root of the splits (--splits).")
    var out: String

    @Option(help: "Point cloud encoding: \(PCDEncoding.allCases.map(\.rawValue).joined(separator: ", ")).",
            transform: Generate.parseEncoding)
    var encoding: PCDEncoding = .binaryCompressed

    @Flag(help: "Replace an existing scenario folder (--preset only).")
    var overwrite = false

    @Option(help: "Override the preset's GNSS position noise (σ, metres).")
    var positionSigmaM: Double?

    @Option(help: "Override the preset's heading noise (σ, degrees).")
    var headingSigmaDeg: Double?

    @Option(help: "Override the preset's largest per-agent clock offset (milliseconds).")
    var clockOffsetMaxMs: Double?

    @Option(help: "Project folder holding scenarios/ and calibration/ (default: found from the working directory upwards, or $V2X_ROOT).")
    var root: String?

    func validate() throws {
        guard (preset == nil) != (splits == nil) else {
            throw ValidationError("give either --preset (with --seed) or --splits")
        }
        if preset != nil && seed == nil { throw ValidationError("--preset needs --seed") }
        if splits != nil && (seed != nil || positionSigmaM != nil || headingSigmaDeg != nil || clockOffsetMaxMs != nil || overwrite) {
            throw ValidationError("--seed, --overwrite and the noise overrides apply to --preset only; splits.yaml fixes each scenario")
        }
    }

    func run() async throws {
        let projectRoot = root.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Self.findProjectRoot()
        let outURL = URL(fileURLWithPath: out, isDirectory: true)
        if let splits {
            let plan = try ScenarioSplits.load(from: URL(fileURLWithPath: splits))
            let bar = ProgressBar("generate", total: plan.totalFrames)
            let start = Date()
            let folders = try plan.generate(into: outURL, projectRoot: projectRoot, encoding: encoding) { name, done in
                bar.update(done, note: name)
            }
            print("wrote \(folders.count) scenarios (\(plan.totalFrames) frames) under \(outURL.path) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            return
        }
        guard let preset, let seed else { return }
        var recipe = try ScenarioPreset.load(named: preset, projectRoot: projectRoot)
        if positionSigmaM != nil || headingSigmaDeg != nil || clockOffsetMaxMs != nil {
            recipe.noise = try ScenarioPreset.Noise(
                positionSigmaMeters: positionSigmaM ?? recipe.noise.positionSigmaMeters,
                headingSigmaDegrees: headingSigmaDeg ?? recipe.noise.headingSigmaDegrees,
                clockOffsetMaxMilliseconds: clockOffsetMaxMs ?? recipe.noise.clockOffsetMaxMilliseconds
            )
        }
        let sensors = try SensorCatalog.load(for: recipe, projectRoot: projectRoot)
        let start = Date()
        let scenario = try GeneratedScenario(preset: recipe, sensors: sensors, seed: seed, frameCount: frames)
        let bar = ProgressBar("generate", total: frames)
        try ScenarioExporter(encoding: encoding).write(scenario, to: outURL, overwrite: overwrite) { bar.update($0) }
        let agents = scenario.agents.map { "\($0.id) (\($0.kind.rawValue), \($0.lidar.name))" }.joined(separator: ", ")
        print("wrote \(scenario.name): \(frames) frames, agents \(agents) to \(outURL.path) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    static func parseEncoding(_ text: String) throws -> PCDEncoding {
        guard let value = PCDEncoding(rawValue: text) else {
            throw ValidationError("unknown encoding '\(text)'; choose one of \(PCDEncoding.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// `$V2X_ROOT`, else the nearest folder upwards from the working directory that holds
    /// `scenarios/presets`, else the working directory.
    static func findProjectRoot() -> URL {
        if let explicit = ProcessInfo.processInfo.environment["V2X_ROOT"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("scenarios/presets").path) { return dir }
            dir.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    }
}
