import Foundation
import V2XCore

/// What `v2x inspect` reports about a scenario: its agents, frames and a look at the first frame.
public struct ScenarioDescription: Sendable, Equatable, Codable {
    /// One agent as seen in the first frame.
    public struct Agent: Sendable, Equatable, Codable {
        public var id: String
        public var kind: AgentKind
        /// Points in its first-frame sweep.
        public var points: Int
        /// Objects its first-frame annotation lists.
        public var objects: Int
        /// Its true LiDAR position in the world at the first frame, metres.
        public var position: [Double]
    }

    public var name: String
    public var path: String
    public var frames: Int
    public var firstFrame: String?
    public var lastFrame: String?
    /// Time between the first two frames of the first agent, seconds.
    public var frameIntervalSeconds: Double?
    public var agents: [Agent]

    enum CodingKeys: String, CodingKey {
        case name, path, frames, agents
        case firstFrame = "first_frame"
        case lastFrame = "last_frame"
        case frameIntervalSeconds = "frame_interval_s"
    }

    /// Opens the scenario at `url` (any layout `ScenarioLoader` knows) and describes it.
    public init(scenarioAt url: URL) throws {
        let source = try ScenarioLoader.open(url)
        name = source.name
        path = url.path
        frames = source.frameIDs.count
        firstFrame = source.frameIDs.first
        lastFrame = source.frameIDs.last
        guard !source.frameIDs.isEmpty else {
            agents = []
            frameIntervalSeconds = nil
            return
        }
        let first = try source.frame(at: 0)
        agents = first.agents.map { agent in
            let t = agent.lidarPose.translation
            return Agent(id: agent.agentID, kind: agent.kind, points: agent.points.count,
                         objects: agent.objects.count, position: [t.x, t.y, t.z])
        }
        if source.frameIDs.count > 1, let a = first.agents.first {
            let second = try source.frame(at: 1)
            frameIntervalSeconds = second.agents.first { $0.agentID == a.agentID }
                .map { $0.timestamp.seconds(since: a.timestamp) }
        } else {
            frameIntervalSeconds = nil
        }
    }

    /// Human-readable lines.
    public var lines: [String] {
        var out = ["\(name) (\(path)): \(frames) frames \(firstFrame ?? "-")…\(lastFrame ?? "-")"]
        if let frameIntervalSeconds { out.append(String(format: "frame interval: %.3f s", frameIntervalSeconds)) }
        for a in agents {
            out.append(String(format: "agent %@ (%@): %d points, %d objects, at (%.1f, %.1f, %.1f) m",
                              a.id, a.kind.rawValue, a.points, a.objects, a.position[0], a.position[1], a.position[2]))
        }
        return out
    }
}
