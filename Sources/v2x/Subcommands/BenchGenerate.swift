import ArgumentParser
import Foundation
import Scenario
import V2XCore

/// `v2x bench generate`: ray-casting throughput and the wall time of a whole scenario.
struct BenchGenerate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generator throughput: rays per second and the wall time of a 3-agent 64-beam scenario.",
        discussion: """
            Uses the intersection preset with every connected vehicle on a 64-beam roof rig and no \
            roadside unit. Rays/s counts every ray of every sweep over the time frame(at:) takes \
            (scene assembly, BVH build, casting, noise; no file I/O). The wall time covers the whole \
            command path: traffic simulation, ray casting and writing binary_compressed PCD + YAML. \
            Run a release build; the machine is shared, so repeat runs vary.
            """
    )

    @Option(help: "Frames of the timed scenario.")
    var frames: Int = 100

    @Option(help: "Connected vehicles (each with a 64-beam LiDAR).")
    var agents: Int = 3

    @Option(help: "Seed of the timed scenario.")
    var seed: UInt64 = 1

    @Option(help: "Project folder holding scenarios/ and calibration/ (default: found from the working directory upwards).")
    var root: String?

    func run() async throws {
        let projectRoot = root.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Generate.findProjectRoot()
        var preset = try ScenarioPreset.load(named: "intersection", projectRoot: projectRoot)
        preset.agents.vehicleRigs = Array(repeating: "roof-hdl64", count: agents)
        preset.agents.rsuRigs = []
        let sensors = try SensorCatalog.load(for: preset, projectRoot: projectRoot)

        // 1. Ray casting without I/O.
        let setupStart = Date()
        let scenario = try GeneratedScenario(preset: preset, sensors: sensors, seed: seed, frameCount: frames, name: "bench")
        let setupSeconds = Date().timeIntervalSince(setupStart)
        let raysPerFrame = scenario.agents.reduce(0) { $0 + $1.lidar.raysPerSweep }
        var points = 0
        let cpuStart = Self.processCPUSeconds()
        let castStart = Date()
        for index in scenario.frameIDs.indices {
            points += try scenario.frame(at: index).agents.reduce(0) { $0 + $1.points.count }
        }
        let castSeconds = Date().timeIntervalSince(castStart)
        let castCPUSeconds = Self.processCPUSeconds() - cpuStart
        let rays = Double(raysPerFrame * frames)
        print(String(format: "world + traffic (%d frames, %d agents): %.2f s", frames, agents, setupSeconds))
        print(String(format: "ray casting: %.0f rays in %.2f s = %.2f M rays/s (%.1f k points/sweep; target ≥ 10 M rays/s)",
                     rays, castSeconds, rays / castSeconds / 1e6, Double(points) / Double(frames * agents) / 1e3))
        print(String(format: "  per CPU-second: %.2f M rays/s (%.2f CPU-s used; × %d cores = %.2f M rays/s on an idle machine)",
                     rays / castCPUSeconds / 1e6, castCPUSeconds, ProcessInfo.processInfo.activeProcessorCount,
                     rays / castCPUSeconds / 1e6 * Double(ProcessInfo.processInfo.activeProcessorCount)))

        // 2. The whole scenario written to disk.
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("v2x-bench-generate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let wallStart = Date()
        let timed = try GeneratedScenario(preset: preset, sensors: sensors, seed: seed, frameCount: frames, name: "bench")
        try ScenarioExporter().write(timed, to: out)
        let wallSeconds = Date().timeIntervalSince(wallStart)
        let bytes = (FileManager.default.enumerator(at: out, includingPropertiesForKeys: [.fileSizeKey])?.allObjects as? [URL] ?? [])
            .reduce(0) { $0 + ((try? $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
        print(String(format: "scenario %d agents × %d frames × 64 beams, written (binary_compressed): %.1f s wall, %.1f MB (target < 60 s)",
                     agents, frames, wallSeconds, Double(bytes) / 1e6))
        print("note: the machine is shared with other builds; figures vary from run to run")
    }

    /// User + system CPU time of this process so far, seconds (all threads).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
