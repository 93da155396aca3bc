/// All agents' sweeps at one frame of a scenario.
public struct ScenarioFrame: Sendable, Equatable {
    /// Position of this frame in the scenario, from 0.
    public var index: Int
    /// The dataset's frame name (e.g. OPV2V's "000068").
    public var frameID: String
    /// Agents present at this frame, in the dataset's agent order (ego candidates first).
    public var agents: [AgentFrame]

    public init(index: Int, frameID: String, agents: [AgentFrame]) {
        self.index = index; self.frameID = frameID; self.agents = agents
    }
}
