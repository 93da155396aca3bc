import Scenario
import V2XCore

/// Training samples drawn from scenarios: every agent of every frame becomes one sample
/// (its own sweep, and every annotated object with at least `minimumPoints` returns in
/// that sweep, in its LiDAR frame). Loaded once and kept in memory.
public struct ScenarioSamples: Sendable {
    /// Which agents of a frame become samples.
    public enum Agents: String, Sendable, CaseIterable, Codable {
        /// The frame's first vehicle (the default ego).
        case ego
        /// Every connected vehicle.
        case vehicles
        /// Every agent, roadside units included.
        case all
    }

    public private(set) var samples: [TrainingSample]
    /// Where each sample came from: scenario name, frame id, agent id.
    public private(set) var origins: [(scenario: String, frame: String, agent: String)]

    /// Loads the samples.
    /// - Parameters:
    ///   - sources: scenarios to read.
    ///   - agents: which agents of each frame become samples.
    ///   - minimumPoints: objects with fewer returns in the agent's sweep are left out of its targets.
    ///   - progress: called after each frame with (frames done, frames total).
    /// - Throws: the sources' `V2XError`s.
    public init(
        sources: [any ScenarioSource], agents selection: Agents, minimumPoints: Int = 1,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        let total = sources.reduce(0) { $0 + $1.frameIDs.count }
        var done = 0
        var samples: [TrainingSample] = []
        var origins: [(String, String, String)] = []
        let truth = CooperativeGroundTruth(minimumPoints: 1)
        for source in sources {
            for index in source.frameIDs.indices {
                let frame = try source.frame(at: index)
                let agents: [AgentFrame]
                switch selection {
                case .ego: agents = Array(frame.agents.filter { $0.kind == .vehicle }.prefix(1))
                case .vehicles: agents = frame.agents.filter { $0.kind == .vehicle }
                case .all: agents = frame.agents
                }
                for agent in agents {
                    let entries = try truth.entries(for: frame, egoID: agent.agentID)
                    let boxes = entries.filter { $0.egoPoints >= minimumPoints }.map(\.box)
                    samples.append(TrainingSample(points: agent.points, boxes: boxes))
                    origins.append((source.name, frame.frameID, agent.agentID))
                }
                done += 1
                progress(done, total)
            }
        }
        self.samples = samples
        self.origins = origins
    }
}
