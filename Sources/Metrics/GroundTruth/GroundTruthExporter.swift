import Scenario
import V2XCore

/// Builds cooperative ground truth for every frame of a scenario from one ego's point of
/// view (DESIGN.md: every object with at least one LiDAR return in any agent's sweep),
/// with each box's visibility, ready to score or to write with `GroundTruthFile`.
public struct GroundTruthExporter: Sendable {
    /// How objects are selected and their returns counted.
    public var groundTruth: CooperativeGroundTruth

    public init(groundTruth: CooperativeGroundTruth = CooperativeGroundTruth()) {
        self.groundTruth = groundTruth
    }

    /// The default ego of a scenario: the first id in `source.agentIDs` that is a vehicle
    /// in the first frame.
    /// - Throws: `V2XError.notFound` when the scenario has no frames or no vehicle agent.
    public static func defaultEgoID(of source: any ScenarioSource) throws -> String {
        guard !source.frameIDs.isEmpty else {
            throw V2XError(.notFound, "scenario \(source.name) has no frames")
        }
        let first = try source.frame(at: 0)
        for id in source.agentIDs where first.agents.contains(where: { $0.agentID == id && $0.kind == .vehicle }) {
            return id
        }
        throw V2XError(.notFound, "scenario \(source.name) has no vehicle agent to act as ego")
    }

    /// Ground truth of one frame as seen from `egoID`.
    /// - Throws: `V2XError.notFound` when the ego is not in the frame.
    public func frame(_ frame: ScenarioFrame, egoID: String, scenario: String) throws -> GroundTruthFrame {
        let entries = try groundTruth.entries(for: frame, egoID: egoID)
        let timestamp = frame.agents.first { $0.agentID == egoID }?.timestamp ?? Timestamp(nanoseconds: 0)
        let record = FrameBoxes(scenario: scenario, frame: frame.frameID, ego: egoID, timestamp: timestamp, boxes: entries.map(\.box))
        return try GroundTruthFrame(
            record: record,
            visibility: entries.map { BoxVisibility(egoPoints: $0.egoPoints, totalPoints: $0.totalPoints) }
        )
    }

    /// Ground truth of every frame of `source`, in order.
    /// - Parameters:
    ///   - egoID: the ego agent; nil for `defaultEgoID(of:)`.
    ///   - progress: called after each frame with (frames done, frames total).
    /// - Throws: `V2XError` from loading a frame, or `.notFound` when the ego is missing from one.
    public func frames(
        from source: any ScenarioSource, egoID: String? = nil, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> [GroundTruthFrame] {
        let ego = try egoID ?? Self.defaultEgoID(of: source)
        let total = source.frameIDs.count
        var out: [GroundTruthFrame] = []
        out.reserveCapacity(total)
        for index in 0..<total {
            out.append(try frame(source.frame(at: index), egoID: ego, scenario: source.name))
            progress(index + 1, total)
        }
        return out
    }
}
