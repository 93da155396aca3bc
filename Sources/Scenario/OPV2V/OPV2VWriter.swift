import Foundation
import V2XCore

/// Writes scenario frames in the OPV2V layout and conventions, so that OpenCOOD-style
/// tools and `OPV2VScenario` can read them.
///
/// Each call to `write(_:)` adds, for every agent of the frame,
/// `<scenarioDirectory>/<agentID>/<frameID>.pcd` (points mirrored into CARLA's frame) and
/// `<frameID>.yaml` (see `OPV2VFrameMetadata`), including our keys `v2x_timestamp_ns`,
/// `v2x_reported_lidar_pose` and `v2x_agent_kind`.
///
/// OPV2V tools parse agent folder names as integers and treat negative ids as roadside
/// units, so agent ids must be integers, negative exactly for roadside units.
public struct OPV2VWriter: Sendable {
    /// The scenario folder being written.
    public let scenarioDirectory: URL
    /// How point clouds are stored.
    public let encoding: PCDEncoding

    /// Creates the scenario folder (and its parents) when needed.
    /// - Throws: `V2XError.ioFailure` when the folder cannot be created.
    public init(scenarioDirectory: URL, encoding: PCDEncoding = .binaryCompressed) throws {
        self.scenarioDirectory = scenarioDirectory
        self.encoding = encoding
        try Self.createDirectory(scenarioDirectory)
    }

    /// Writes every agent of one frame. Files of earlier frames are left untouched.
    /// - Throws: `V2XError.invalidArgument` for an agent id or frame name OPV2V cannot
    ///   hold, `.nonFiniteValue` for NaN or infinite poses, boxes or speeds (checked for
    ///   all agents before anything is written), `.ioFailure` when a file cannot be written.
    public func write(_ frame: ScenarioFrame) throws {
        try Self.validateFileName(frame.frameID, what: "frame name")
        var seen = Set<String>()
        for agent in frame.agents {
            try Self.validate(agent)
            guard seen.insert(agent.agentID).inserted else {
                throw V2XError(.invalidArgument, "agent \(agent.agentID) appears twice in frame \(frame.frameID)")
            }
        }
        for agent in frame.agents {
            let folder = scenarioDirectory.appendingPathComponent(agent.agentID, isDirectory: true)
            try Self.createDirectory(folder)
            try PCDFile.write(
                try CARLAConvention.mirrored(agent.points),
                to: folder.appendingPathComponent(frame.frameID + ".pcd"), encoding: encoding
            )
            let metadata = OPV2VFrameMetadata(
                lidarPose: agent.lidarPose, reportedLidarPose: agent.reportedLidarPose,
                timestamp: agent.timestamp, kind: agent.kind, objects: agent.objects
            )
            let yamlURL = folder.appendingPathComponent(frame.frameID + ".yaml")
            do { try metadata.yamlText().write(to: yamlURL, atomically: true, encoding: .utf8) } catch {
                throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: yamlURL.path)
            }
        }
    }

    /// Checks that an agent can be written faithfully.
    static func validate(_ agent: AgentFrame) throws {
        try validateFileName(agent.agentID, what: "agent id")
        guard let id = Int(agent.agentID) else {
            throw V2XError(.invalidArgument, "OPV2V agent ids are integers (folder names OpenCOOD parses with int()), found '\(agent.agentID)'")
        }
        guard (id < 0) == (agent.kind == .roadsideUnit) else {
            throw V2XError(.invalidArgument, "agent \(id) is a \(agent.kind.rawValue); OPV2V marks roadside units, and only them, with negative ids")
        }
        for (name, pose) in [("lidar pose", agent.lidarPose), ("reported lidar pose", agent.reportedLidarPose)] {
            guard pose.rotation.allSatisfy(\.isFinite), pose.translation.x.isFinite, pose.translation.y.isFinite, pose.translation.z.isFinite else {
                throw V2XError(.nonFiniteValue, "agent \(id) has a non-finite \(name)")
            }
        }
        for object in agent.objects {
            let b = object.box
            guard [b.x, b.y, b.z, b.l, b.w, b.h, b.yaw, object.speedMetersPerSecond].allSatisfy(\.isFinite) else {
                throw V2XError(.nonFiniteValue, "object \(object.id) of agent \(id) has a non-finite value")
            }
        }
    }

    static func validateFileName(_ name: String, what: String) throws {
        guard !name.isEmpty, name != ".", name != "..", !name.hasPrefix("."),
              !name.contains("/"), !name.contains("\0") else {
            throw V2XError(.invalidArgument, "\(what) '\(name)' cannot be used as a file name")
        }
    }

    static func createDirectory(_ url: URL) throws {
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create folder: \(error.localizedDescription)", path: url.path)
        }
    }
}
