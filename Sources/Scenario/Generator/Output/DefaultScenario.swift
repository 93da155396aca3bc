import Foundation
import V2XCore

/// The bundled default scenario that `v2x replay` (and `make run`) use when given none:
/// generated deterministically on first use into `scenarios/cache/default/` (gitignored)
/// and reused afterwards.
///
/// It is the `intersection` preset (three connected vehicles with 64- and 32-beam
/// LiDARs and one roadside unit), seed 1, 80 frames (8 s at 10 Hz).
public enum DefaultScenario {
    public static let presetName = "intersection"
    public static let seed: UInt64 = 1
    public static let frameCount = 80

    /// `<projectRoot>/scenarios/cache/default`.
    public static func directory(projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent("scenarios/cache/default", isDirectory: true)
    }

    /// Makes sure a complete default scenario exists and returns its folder.
    ///
    /// Does nothing when the folder holds a manifest describing exactly this generation
    /// (same generator version, preset, seed, frames, sensors). Otherwise the scenario is
    /// generated into a temporary sibling folder and renamed into place, so an interrupted
    /// run never leaves a half scenario that looks complete.
    /// - Parameter progress: called after each frame with `(frames done, frames total)`.
    /// - Throws: `V2XError` when the preset or sensor files are missing or malformed, or
    ///   writing fails.
    public static func ensure(projectRoot: URL, progress: (Int, Int) -> Void = { _, _ in }) throws -> URL {
        let folder = directory(projectRoot: projectRoot)
        let preset = try ScenarioPreset.load(named: presetName, projectRoot: projectRoot)
        let sensors = try SensorCatalog.load(for: preset, projectRoot: projectRoot)
        let scenario = try GeneratedScenario(preset: preset, sensors: sensors, seed: seed, frameCount: frameCount, name: "default")
        let encoding = PCDEncoding.binaryCompressed
        if let existing = try? ScenarioManifest.load(fromScenario: folder),
           existing.describesSameData(as: ScenarioManifest(scenario, encoding: encoding)) {
            return folder
        }
        try ScenarioExporter(encoding: encoding).write(scenario, to: folder, overwrite: true) { progress($0, frameCount) }
        return folder
    }
}
