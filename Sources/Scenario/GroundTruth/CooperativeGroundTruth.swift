import Foundation
import V2XCore

/// Ground truth for scoring one ego frame (DESIGN.md, "Evaluation protocol").
///
/// The cooperative ground truth is every object, listed by any agent's annotation, that
/// has at least `minimumPoints` LiDAR returns inside its box in at least one agent's
/// sweep; it is expressed in the ego LiDAR frame. For each object the counts also record
/// how many returns the ego itself has, so evaluation can split ego-visible objects from
/// cooperative-only ones. The ego's own vehicle (the object whose footprint holds the
/// ego's LiDAR) is never part of its ground truth, even when collaborators annotate and
/// see it: a detector is not asked to find the car it rides on.
public struct CooperativeGroundTruth: Sendable {
    /// One scored object with its visibility.
    public struct Entry: Sendable, Equatable {
        /// The object's id in the scenario.
        public var objectID: Int
        /// The box in the ego LiDAR frame.
        public var box: Box3D
        /// Returns inside the box in the ego's own sweep.
        public var egoPoints: Int
        /// Returns inside the box summed over all agents' sweeps.
        public var totalPoints: Int
    }

    /// Points counted in a box may lie this far outside it (metres), absorbing range noise.
    public var marginMeters: Double
    /// Objects with fewer returns over all agents are left out.
    public var minimumPoints: Int

    public init(marginMeters: Double = 0.1, minimumPoints: Int = 1) {
        self.marginMeters = marginMeters
        self.minimumPoints = minimumPoints
    }

    /// The scored objects of `frame` as seen from agent `egoID`.
    /// - Throws: `V2XError.notFound` when the ego is not in the frame.
    public func entries(for frame: ScenarioFrame, egoID: String) throws -> [Entry] {
        guard let ego = frame.agents.first(where: { $0.agentID == egoID }) else {
            throw V2XError(.notFound, "agent \(egoID) is not in frame \(frame.frameID)")
        }
        var objectsByID: [Int: SceneObject] = [:]
        for agent in frame.agents {
            for object in agent.objects where objectsByID[object.id] == nil {
                objectsByID[object.id] = object
            }
        }
        let objects = objectsByID.values.sorted { $0.id < $1.id }
        var total = [Int](repeating: 0, count: objects.count)
        var own = [Int](repeating: 0, count: objects.count)
        for agent in frame.agents {
            let counts = pointCounts(of: objects, in: agent)
            for i in counts.indices {
                total[i] += counts[i]
                if agent.agentID == egoID { own[i] += counts[i] }
            }
        }
        let worldToEgo = ego.lidarPose.inverse
        return objects.indices.compactMap { i in
            guard total[i] >= minimumPoints else { return nil }
            let box = objects[i].box.transformed(by: worldToEgo)
            guard !box.footprintContains(x: 0, y: 0) else { return nil }
            return Entry(objectID: objects[i].id, box: box, egoPoints: own[i], totalPoints: total[i])
        }
    }

    /// Number of the agent's returns inside each object's box.
    func pointCounts(of objects: [SceneObject], in agent: AgentFrame) -> [Int] {
        let worldToSensor = agent.lidarPose.inverse
        let points = agent.points
        return objects.map { object in
            let box = object.box.transformed(by: worldToSensor)
            // An axis-aligned bound in the sensor frame rejects most points cheaply.
            let reach = 0.5 * (box.l * box.l + box.w * box.w).squareRoot() + marginMeters
            let (minX, maxX) = (Float(box.x - reach), Float(box.x + reach))
            let (minY, maxY) = (Float(box.y - reach), Float(box.y + reach))
            var n = 0
            for i in 0..<points.count {
                let px = points.x[i], py = points.y[i]
                guard px >= minX, px <= maxX, py >= minY, py <= maxY else { continue }
                if box.contains(SIMD3(Double(px), Double(py), Double(points.z[i])), margin: marginMeters) { n += 1 }
            }
            return n
        }
    }
}
