import Foundation
import V2XCore

/// One OPV2V / V2XSet scenario folder: `<scenario>/<agent id>/<frame>.pcd + <frame>.yaml`.
///
/// ```
/// 2021_08_22_21_41_24/          ← this folder
/// ├── 1732/   000068.pcd 000068.yaml 000070.pcd 000070.yaml …
/// ├── 1745/   …
/// └── -1/     …                 ← a negative id is a roadside unit (V2XSet)
/// ```
/// Agents are ordered the way OpenCOOD orders them (see `openCOODOrder(_:)`). The frames
/// are every `.yaml` name found in any agent folder; an agent without a file for a frame
/// is absent from that frame. Listing happens once, in the initialiser; files are read
/// lazily by `frame(at:)`.
public struct OPV2VScenario: ScenarioSource {
    /// CARLA's fixed simulation step in OPV2V (OpenCDA's `fixed_delta_seconds: 0.05`);
    /// frame names count these steps, so frame 68 is at 3.4 s (files every second step,
    /// 10 Hz).
    public static let simulationStepNanoseconds: Int64 = 50_000_000

    /// The scenario folder.
    public let directory: URL
    public let name: String
    public let agentIDs: [String]
    public let frameIDs: [String]
    /// For each agent, the frames it has a `.yaml` file for.
    private let framesByAgent: [String: Set<String>]

    /// Lists a scenario folder.
    /// - Throws: `V2XError.notFound` when the folder does not exist or holds no agent
    ///   folder with `.yaml` files; `.unsupportedFormat` for a split folder (scenarios
    ///   of agents); `.ioFailure` when it cannot be listed.
    public init(directory: URL) throws {
        self.directory = directory
        name = directory.standardizedFileURL.lastPathComponent
        var frames: [String: Set<String>] = [:]
        for agent in try Self.subdirectories(of: directory) {
            let folder = directory.appendingPathComponent(agent, isDirectory: true)
            let stems = try Self.yamlStems(in: folder)
            // A split folder holds scenarios, whose own subfolders (the agents) hold the frames.
            if try Self.subdirectories(of: folder).contains(where: {
                try !Self.yamlStems(in: folder.appendingPathComponent($0, isDirectory: true)).isEmpty
            }) {
                throw V2XError(
                    .unsupportedFormat,
                    "this looks like an OPV2V split folder; open one of its scenario folders (e.g. \(agent)) or use OPV2VDataset",
                    path: directory.path
                )
            }
            if !stems.isEmpty { frames[agent] = stems }
        }
        guard !frames.isEmpty else {
            throw V2XError(.notFound, "no agent folder with .yaml frame files (expected <agent id>/<frame>.yaml)", path: directory.path)
        }
        framesByAgent = frames
        agentIDs = Self.openCOODOrder(Array(frames.keys))
        frameIDs = Self.frameOrder(frames.values.reduce(into: Set<String>()) { $0.formUnion($1) })
    }

    /// Agent folders in OpenCOOD's order (`BaseDataset.__init__`): plain string sort of the
    /// names, then, if the first one is a negative id (a roadside unit, which must never be
    /// the ego), that one name is moved to the end. Only the first is moved, exactly as
    /// OpenCOOD does: `["-1", "-2", "5"]` becomes `["-2", "5", "-1"]`.
    public static func openCOODOrder(_ names: [String]) -> [String] {
        var sorted = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if let first = sorted.first, let id = Int(first), id < 0 {
            sorted.append(sorted.removeFirst())
        }
        return sorted
    }

    /// The kind an OPV2V agent id implies: negative ids are roadside units.
    public static func kind(ofAgentID id: String) -> AgentKind {
        if let value = Int(id), value < 0 { return .roadsideUnit }
        return .vehicle
    }

    /// The capture time OPV2V implies for a frame name: frame number × 50 ms.
    /// - Throws: `V2XError.malformedData` when the name is not a frame number.
    public static func defaultTimestamp(frameID: String) throws -> Timestamp {
        guard let number = Int64(frameID), number >= 0, number <= Int64.max / simulationStepNanoseconds else {
            throw V2XError(.malformedData, "frame '\(frameID)' has no v2x_timestamp_ns and its name is not a frame number")
        }
        return Timestamp(nanoseconds: number * simulationStepNanoseconds)
    }

    public func frame(at index: Int) throws -> ScenarioFrame {
        try frame(at: index, agents: Set(agentIDs))
    }

    /// Reads only the files of `agents`: each agent's YAML and PCD are stored apart.
    public func frame(at index: Int, agents wanted: Set<String>) throws -> ScenarioFrame {
        guard frameIDs.indices.contains(index) else {
            throw V2XError(.invalidArgument, "frame index \(index) is outside 0..<\(frameIDs.count)", path: directory.path)
        }
        let frameID = frameIDs[index]
        var agents: [AgentFrame] = []
        for agentID in agentIDs where wanted.contains(agentID) && framesByAgent[agentID]?.contains(frameID) == true {
            agents.append(try agentFrame(agentID: agentID, frameID: frameID))
        }
        return ScenarioFrame(index: index, frameID: frameID, agents: agents)
    }

    /// Loads one agent's files for one frame.
    private func agentFrame(agentID: String, frameID: String) throws -> AgentFrame {
        let folder = directory.appendingPathComponent(agentID, isDirectory: true)
        let yamlURL = folder.appendingPathComponent(frameID + ".yaml")
        let pcdURL = folder.appendingPathComponent(frameID + ".pcd")
        let metadata = try OPV2VFrameMetadata.read(from: yamlURL)
        let timestamp: Timestamp
        if let stored = metadata.timestamp {
            timestamp = stored
        } else {
            do { timestamp = try Self.defaultTimestamp(frameID: frameID) } catch var error as V2XError {
                error.path = yamlURL.path
                throw error
            }
        }
        guard FileManager.default.fileExists(atPath: pcdURL.path) else {
            throw V2XError(.notFound, "the point cloud for this frame is missing", path: pcdURL.path)
        }
        let points = try CARLAConvention.mirrored(PCDFile.read(from: pcdURL))
        return AgentFrame(
            agentID: agentID, kind: metadata.kind ?? Self.kind(ofAgentID: agentID), timestamp: timestamp,
            lidarPose: metadata.lidarPose, reportedLidarPose: metadata.reportedLidarPose,
            points: points, objects: metadata.objects
        )
    }

    /// Frame names in time order: by number when every name is one, else by string.
    static func frameOrder(_ names: Set<String>) -> [String] {
        let numbered = names.compactMap { name in Int(name).map { (name, $0) } }
        if numbered.count == names.count {
            return numbered.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0)
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Names of the subfolders of `url` whose names have no dot.
    static func subdirectories(of url: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw V2XError(.notFound, "no such folder", path: url.path)
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
            throw V2XError(.ioFailure, "cannot list: \(error.localizedDescription)", path: url.path)
        }
        // Agent ids and scenario names carry no dot; skipping dotted names spares a stat()
        // of each of the thousands of frame files in an agent folder.
        return names.filter { name in
            guard !name.contains(".") else { return false }
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isDir) && isDir.boolValue
        }
    }

    /// Frame names of the `.yaml` files in an agent folder (OpenCOOD skips names containing
    /// "additional", which hold extra sensor metadata, and so do we).
    static func yamlStems(in folder: URL) throws -> Set<String> {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw V2XError(.ioFailure, "cannot list: \(error.localizedDescription)", path: folder.path)
        }
        return Set(names.compactMap { name in
            guard name.hasSuffix(".yaml"), !name.hasPrefix("."), !name.contains("additional") else { return nil }
            return String(name.dropLast(".yaml".count))
        })
    }
}
