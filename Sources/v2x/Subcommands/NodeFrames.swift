import Foundation
import Fusion
import Scenario
import V2XCore

/// One agent's sweeps from a scenario, for `AgentNode`.
///
/// The sensors fire together at `rateHz`: frame `i` is released at `origin + i / rateHz` on
/// the scenario clock, where `origin` is the earliest capture time of frame 0 over all
/// agents. The capture time a message carries is the frame's own timestamp (the agent's clock).
struct NodeFrames: NodeFrameSource {
    let source: any ScenarioSource
    let agentID: String
    /// Vehicle or roadside unit, from the first frame.
    let kind: AgentKind
    /// What the agent reports about its pose error.
    let poseUncertainty: PoseUncertainty
    let captureTimes: [Timestamp]
    /// Scenario time of frame 0 (`ScenarioClock.scenarioStart`).
    let origin: Timestamp

    /// - Throws: `V2XError.notFound` when the agent is not in the scenario's first frame;
    ///   `.invalidArgument` naming `rate_hz` when the data's frame spacing disagrees with it.
    /// - Parameter vehicleUncertainty: the pose error a vehicle reports (roadside units are surveyed: exact).
    init(source: any ScenarioSource, agentID: String, rateHz: Double, vehicleUncertainty: PoseUncertainty) throws {
        guard !source.frameIDs.isEmpty else { throw V2XError(.notFound, "scenario \(source.name) has no frames") }
        let first = try source.frame(at: 0)
        guard let own0 = first.agents.first(where: { $0.agentID == agentID }) else {
            throw V2XError(.notFound, "agent '\(agentID)' is not in scenario \(source.name) (agents: \(first.agents.map(\.agentID).joined(separator: ", ")))")
        }
        let origin = first.agents.map(\.timestamp).min()!
        if source.frameIDs.count > 1, let own1 = try source.frame(at: 1, agents: [agentID]).agents.first(where: { $0.agentID == agentID }) {
            let spacing = own1.timestamp.seconds(since: own0.timestamp)
            guard abs(spacing * rateHz - 1) < 0.05 else {
                throw V2XError(.invalidArgument, "launch file field 'rate_hz': \(rateHz) Hz, but the scenario's frames are \(String(format: "%.1f", spacing * 1000)) ms apart")
            }
        }
        let period = 1e9 / rateHz
        captureTimes = source.frameIDs.indices.map { Timestamp(nanoseconds: origin.nanoseconds + Int64((Double($0) * period).rounded())) }
        self.origin = origin
        kind = own0.kind
        poseUncertainty = own0.kind == .vehicle ? vehicleUncertainty : .exact
        self.source = source; self.agentID = agentID
    }

    func frame(at index: Int) throws -> NodeFrame {
        let frame = try source.frame(at: index, agents: [agentID])
        guard let own = frame.agents.first(where: { $0.agentID == agentID }) else {
            throw V2XError(.notFound, "agent '\(agentID)' has no sweep in frame \(frame.frameID)")
        }
        return NodeFrame(frameID: frame.frameID, captureTime: own.timestamp, pose: own.reportedLidarPose, poseUncertainty: poseUncertainty, points: own.points)
    }
}
