import Foundation
import V2XCore

/// `scenario.yaml`: what a generated scenario folder holds and how it was made — preset,
/// seed, frames, agents with their rigs and LiDAR models, noise, generator version.
///
/// The exporter writes it last, so a folder with a manifest is complete; readers of the
/// OPV2V layout ignore it.
public struct ScenarioManifest: Sendable, Equatable, Codable {
    /// One connected agent.
    public struct AgentEntry: Sendable, Equatable, Codable {
        public var id: String
        public var kind: String
        public var rig: String
        public var lidar: String
        public var mountHeightMeters: Double
        public var mountForwardMeters: Double

        enum CodingKeys: String, CodingKey {
            case id, kind, rig, lidar
            case mountHeightMeters = "mount_height_m"
            case mountForwardMeters = "mount_forward_m"
        }
    }

    /// Localisation and clock noise applied (see `ScenarioPreset.Noise`).
    public struct NoiseEntry: Sendable, Equatable, Codable {
        public var positionSigmaMeters: Double
        public var headingSigmaDegrees: Double
        public var clockOffsetMaxMilliseconds: Double

        enum CodingKeys: String, CodingKey {
            case positionSigmaMeters = "position_sigma_m"
            case headingSigmaDegrees = "heading_sigma_deg"
            case clockOffsetMaxMilliseconds = "clock_offset_max_ms"
        }
    }

    public var generator: String
    public var generatorVersion: Int
    public var name: String
    public var preset: String
    public var presetDescription: String
    public var seed: UInt64
    public var frames: Int
    public var firstFrame: String
    /// Simulation ticks between frames, and the tick length (OPV2V: 2 × 0.05 s).
    public var frameStepTicks: Int
    public var tickSeconds: Double
    public var pointCloudEncoding: String
    /// Frame convention of the files (`carla` left-handed, as OPV2V).
    public var coordinateConvention: String
    /// Whether motion during a sweep is simulated (it is not: each sweep is one instant).
    public var motionWithinSweep: String
    public var agents: [AgentEntry]
    public var sensors: [LidarModel]
    public var noise: NoiseEntry

    enum CodingKeys: String, CodingKey {
        case generator
        case generatorVersion = "generator_version"
        case name, preset
        case presetDescription = "preset_description"
        case seed, frames
        case firstFrame = "first_frame"
        case frameStepTicks = "frame_step_ticks"
        case tickSeconds = "tick_seconds"
        case pointCloudEncoding = "point_cloud_encoding"
        case coordinateConvention = "coordinate_convention"
        case motionWithinSweep = "motion_within_sweep"
        case agents, sensors, noise
    }

    /// The manifest of a generated scenario written with `encoding`.
    public init(_ scenario: GeneratedScenario, encoding: PCDEncoding) {
        generator = "v2x generate"
        generatorVersion = GeneratedScenario.version
        name = scenario.name
        preset = scenario.preset.name
        presetDescription = scenario.preset.description
        seed = scenario.seed
        frames = scenario.frameIDs.count
        firstFrame = scenario.frameIDs.first ?? ""
        frameStepTicks = GeneratedScenario.ticksPerFrame
        tickSeconds = 0.05
        pointCloudEncoding = encoding.rawValue
        coordinateConvention = "carla"
        motionWithinSweep = "ignored"
        agents = scenario.agents.map {
            AgentEntry(id: $0.id, kind: $0.kind.rawValue, rig: $0.rig.name, lidar: $0.lidar.name,
                       mountHeightMeters: $0.rig.mountHeightMeters, mountForwardMeters: $0.rig.mountForwardMeters)
        }
        var seen = Set<String>()
        sensors = scenario.agents.map(\.lidar).filter { seen.insert($0.name).inserted }
        noise = NoiseEntry(
            positionSigmaMeters: scenario.preset.noise.positionSigmaMeters,
            headingSigmaDegrees: scenario.preset.noise.headingSigmaDegrees,
            clockOffsetMaxMilliseconds: scenario.preset.noise.clockOffsetMaxMilliseconds
        )
    }

    /// File name inside the scenario folder.
    public static let fileName = "scenario.yaml"

    /// Whether this manifest describes the same generation as `other` (same generator
    /// version, preset, seed, frames and agents), i.e. the data can be reused.
    public func describesSameData(as other: ScenarioManifest) -> Bool {
        generatorVersion == other.generatorVersion && preset == other.preset && seed == other.seed
            && frames == other.frames && agents == other.agents && sensors == other.sensors && noise == other.noise
            && pointCloudEncoding == other.pointCloudEncoding
    }

    /// The YAML text. Written by hand rather than with Yams' encoder, whose floats
    /// (`3e-1`) YAML 1.1 readers such as PyYAML (OpenCOOD's) take for strings; every float
    /// here keeps a decimal point, every string is single-quoted.
    public func yamlText() -> String {
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        func n(_ x: Double) -> String { Self.yamlFloat(x) }
        var lines = [
            "# Generated by v2x; the OPV2V folders beside this file hold the data.",
            "generator: \(q(generator))",
            "generator_version: \(generatorVersion)",
            "name: \(q(name))",
            "preset: \(q(preset))",
            "preset_description: \(q(presetDescription))",
            "seed: \(seed)",
            "frames: \(frames)",
            "first_frame: \(q(firstFrame))",
            "frame_step_ticks: \(frameStepTicks)",
            "tick_seconds: \(n(tickSeconds))",
            "point_cloud_encoding: \(q(pointCloudEncoding))",
            "coordinate_convention: \(q(coordinateConvention))",
            "motion_within_sweep: \(q(motionWithinSweep))",
            "agents:",
        ]
        for a in agents {
            lines.append("  - {id: \(q(a.id)), kind: \(q(a.kind)), rig: \(q(a.rig)), lidar: \(q(a.lidar)), "
                + "mount_height_m: \(n(a.mountHeightMeters)), mount_forward_m: \(n(a.mountForwardMeters))}")
        }
        lines.append("sensors:")
        for l in sensors {
            lines += [
                "  - name: \(q(l.name))",
                "    rotation_rate_hz: \(n(l.rotationRateHertz))",
                "    azimuth_resolution_deg: \(n(l.azimuthResolutionDegrees))",
                "    min_range_m: \(n(l.minRangeMeters))",
                "    max_range_m: \(n(l.maxRangeMeters))",
                "    range_noise_sigma_m: \(n(l.rangeNoiseSigmaMeters))",
                "    dropout_probability: \(n(l.dropoutProbability))",
                "    intensity_noise_sigma: \(n(l.intensityNoiseSigma))",
                "    beam_elevations_deg: [\(l.beamElevationsDegrees.map(n).joined(separator: ", "))]",
            ]
        }
        lines.append("noise: {position_sigma_m: \(n(noise.positionSigmaMeters)), heading_sigma_deg: \(n(noise.headingSigmaDegrees)), "
            + "clock_offset_max_ms: \(n(noise.clockOffsetMaxMilliseconds))}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A float in a form every YAML version reads as a float: Swift's shortest round-trip
    /// text with a decimal point before any exponent (`5e-05` → `5.0e-05`).
    static func yamlFloat(_ x: Double) -> String {
        var text = "\(x)"
        if !text.contains("."), let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            text.insert(contentsOf: ".0", at: e)
        }
        return text
    }

    /// Reads `<directory>/scenario.yaml`.
    /// - Throws: `V2XError` naming the file when it is missing or malformed.
    public static func load(fromScenario directory: URL) throws -> ScenarioManifest {
        try GeneratorYAML.decode(ScenarioManifest.self, from: directory.appendingPathComponent(fileName))
    }
}
