import Foundation
import V2XCore

/// The LiDAR models and rigs a scenario uses, by name.
///
/// On disk they live in `calibration/lidars/<name>.yaml` and `calibration/rigs/<name>.yaml`;
/// `load(for:projectRoot:)` reads exactly the ones a preset names.
public struct SensorCatalog: Sendable, Equatable {
    public private(set) var rigs: [String: SensorRig]
    public private(set) var lidars: [String: LidarModel]

    /// A catalog from values already in memory (tests, tools).
    /// - Throws: `V2XError.invalidArgument` when two entries share a name.
    public init(rigs: [SensorRig], lidars: [LidarModel]) throws {
        var r: [String: SensorRig] = [:], l: [String: LidarModel] = [:]
        for rig in rigs {
            guard r.updateValue(rig, forKey: rig.name) == nil else { throw V2XError(.invalidArgument, "two rigs are named '\(rig.name)'") }
        }
        for lidar in lidars {
            guard l.updateValue(lidar, forKey: lidar.name) == nil else { throw V2XError(.invalidArgument, "two LiDAR models are named '\(lidar.name)'") }
        }
        self.rigs = r
        self.lidars = l
    }

    /// Reads the rigs the preset names and the LiDAR models those rigs name.
    /// - Throws: `V2XError` naming the missing or malformed file, or a rig whose `name`
    ///   differs from its file name.
    public static func load(for preset: ScenarioPreset, projectRoot: URL) throws -> SensorCatalog {
        var rigs: [SensorRig] = [], lidars: [LidarModel] = []
        for name in Set(preset.agents.vehicleRigs + preset.agents.rsuRigs).sorted() {
            let url = projectRoot.appendingPathComponent("calibration/rigs/\(name).yaml")
            let rig = try SensorRig.load(from: url)
            guard rig.name == name else { throw V2XError(.malformedData, "rig file declares name '\(rig.name)', expected '\(name)'", path: url.path) }
            rigs.append(rig)
        }
        for name in Set(rigs.map(\.lidarName)).sorted() {
            let url = projectRoot.appendingPathComponent("calibration/lidars/\(name).yaml")
            let lidar = try LidarModel.load(from: url)
            guard lidar.name == name else { throw V2XError(.malformedData, "LiDAR file declares name '\(lidar.name)', expected '\(name)'", path: url.path) }
            lidars.append(lidar)
        }
        return try SensorCatalog(rigs: rigs, lidars: lidars)
    }

    /// The rig called `name`, checked to be for agents of `kind`, and its LiDAR model.
    /// - Throws: `V2XError.notFound` for an unknown rig or model, `.invalidArgument` for a
    ///   rig of the other agent kind.
    func resolve(rig name: String, for kind: AgentKind) throws -> (SensorRig, LidarModel) {
        guard let rig = rigs[name] else { throw V2XError(.notFound, "no rig named '\(name)' (calibration/rigs/\(name).yaml)") }
        guard rig.kind == kind else {
            throw V2XError(.invalidArgument, "rig '\(name)' is for a \(rig.kind.rawValue), but is listed for a \(kind.rawValue)")
        }
        guard let lidar = lidars[rig.lidarName] else {
            throw V2XError(.notFound, "rig '\(name)' names LiDAR '\(rig.lidarName)', which is not loaded (calibration/lidars/\(rig.lidarName).yaml)")
        }
        return (rig, lidar)
    }
}
