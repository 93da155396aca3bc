import Foundation
import V2XCore

/// Chooses which traffic vehicles are the connected agents.
///
/// Candidates are vehicles present in every recorded frame (so no agent appears or
/// vanishes mid-scenario). Each candidate seeds a group with its nearest candidates at the
/// first frame; a group is admissible when every member is within `maxSpreadMeters` of the
/// group's centre at the first frame. Among admissible groups the one with the smallest
/// score wins: the members' mean distance from their centre over the scenario plus half
/// the centre's distance from the world's focus (the junction with the roadside unit), so
/// agents share one scene and look at the same junction. Ties go to the lower ids.
struct AgentSelection {
    let count: Int
    let maxSpreadMeters: Double
    let focus: SIMD2<Double>

    /// The chosen vehicle ids, nearest to the focus first.
    /// - Throws: `V2XError.invalidArgument` when no admissible group exists.
    func choose(history: [[VehicleSnapshot]]) throws -> [Int] {
        guard let first = history.first else { throw V2XError(.invalidArgument, "no frames to choose agents from") }
        var present = Set(first.map(\.id))
        for frame in history.dropFirst() { present.formIntersection(frame.map(\.id)) }
        let candidates = present.sorted()
        guard candidates.count >= count else {
            throw V2XError(.invalidArgument, "only \(candidates.count) vehicles stay in the world for all \(history.count) frames, \(count) connected vehicles requested; use fewer frames or a preset with longer roads or more traffic")
        }
        // Positions per frame (sampled every few frames for the score).
        let sampleFrames = Array(stride(from: 0, to: history.count, by: max(1, history.count / 10)))
        var positions: [Int: [SIMD2<Double>]] = [:]
        for f in sampleFrames {
            for s in history[f] where present.contains(s.id) { positions[s.id, default: []].append(s.position) }
        }
        func distance(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double { RoadLane.distance(a, b) }
        var best: (score: Double, group: [Int])?
        for seed in candidates {
            let p0 = positions[seed]![0]
            let group = candidates.sorted {
                let (da, db) = (distance(positions[$0]![0], p0), distance(positions[$1]![0], p0))
                return da != db ? da < db : $0 < $1
            }.prefix(count)
            let centre0 = group.map { positions[$0]![0] }.reduce(SIMD2<Double>.zero, +) / Double(count)
            guard group.allSatisfy({ distance(positions[$0]![0], centre0) <= maxSpreadMeters }) else { continue }
            var spread = 0.0
            for k in sampleFrames.indices {
                let centre = group.map { positions[$0]![k] }.reduce(SIMD2<Double>.zero, +) / Double(count)
                spread += group.map { distance(positions[$0]![k], centre) }.reduce(0, +) / Double(count)
            }
            let score = spread / Double(sampleFrames.count) + 0.5 * distance(centre0, focus)
            if best == nil || score < best!.score { best = (score, Array(group)) }
        }
        guard let chosen = best?.group else {
            throw V2XError(.invalidArgument, "no \(count) vehicles present in all frames are within \(maxSpreadMeters) m of each other; raise agents.max_spread_m or add traffic")
        }
        return chosen.sorted {
            let (da, db) = (distance(positions[$0]![0], focus), distance(positions[$1]![0], focus))
            return da != db ? da < db : $0 < $1
        }
    }
}
