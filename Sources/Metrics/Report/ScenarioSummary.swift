import Foundation

import Scenario
import V2XCore

/// Counts over a scenario's frames from one ego's point of view: what a replay reports
/// about its input (frames, agents, points, and the cooperative ground truth).
public struct ScenarioSummary: Sendable, Equatable {
    public private(set) var frames = 0
    public private(set) var agentsPerFrame: [Int] = []
    public private(set) var pointsPerSweep: [Int] = []
    /// Ground-truth objects per ego frame (seen by any agent).
    public private(set) var cooperativeObjects: [Int] = []
    /// Of those, the ones with at least one return in the ego's own sweep.
    public private(set) var egoVisibleObjects: [Int] = []

    public init() {}

    /// Adds one frame's ground-truth entries.
    public mutating func add(_ frame: ScenarioFrame, entries: [CooperativeGroundTruth.Entry]) {
        frames += 1
        agentsPerFrame.append(frame.agents.count)
        pointsPerSweep += frame.agents.map(\.points.count)
        cooperativeObjects.append(entries.count)
        egoVisibleObjects.append(entries.filter { $0.egoPoints > 0 }.count)
    }

    /// Mean of a list of counts (0 for none).
    public static func mean(_ values: [Int]) -> Double {
        values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count)
    }

    /// A few human-readable lines.
    public var lines: [String] {
        let coop = Self.mean(cooperativeObjects), own = Self.mean(egoVisibleObjects)
        let share = coop > 0 ? 100 * (1 - own / coop) : 0
        return [
            "frames: \(frames), agents per frame: \(String(format: "%.1f", Self.mean(agentsPerFrame)))",
            "points per sweep: \(String(format: "%.0f", Self.mean(pointsPerSweep)))",
            "ground-truth objects per frame: \(String(format: "%.1f", coop)) seen by any agent, "
                + "\(String(format: "%.1f", own)) by the ego (\(String(format: "%.0f", share))% need cooperation)",
        ]
    }
}

extension ScenarioSummary {
    /// Writes the summary as JSON (keys: `scenario`, `ego`, `frames`, `mean_agents`,
    /// `mean_points_per_sweep`, `mean_gt_objects`, `mean_ego_visible_objects`).
    public func writeJSON(to url: URL, scenario: String, ego: String) throws {
        let object: [String: Any] = [
            "scenario": scenario, "ego": ego, "frames": frames,
            "mean_agents": Self.mean(agentsPerFrame),
            "mean_points_per_sweep": Self.mean(pointsPerSweep),
            "mean_gt_objects": Self.mean(cooperativeObjects),
            "mean_ego_visible_objects": Self.mean(egoVisibleObjects),
        ]
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: url)
        } catch {
            throw V2XError(.ioFailure, "cannot write summary: \(error.localizedDescription)", path: url.path)
        }
    }
}
