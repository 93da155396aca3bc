import Foundation
import V2XCore

/// How warped maps are combined cell by cell. Every operator sees the ego's map (weight 1)
/// and each collaborator's warped map with a per-cell weight: the trust model's, or 1
/// wherever the warp covered the cell when trust is off. A weight of 0 means "absent".
public enum FusionOperator: String, Sendable, CaseIterable, Codable {
    /// Element-wise maximum of `w_i · F_i` over agents. Features are non-negative (ReLU), so
    /// a weight scales a collaborator's evidence down towards "nothing seen" and the ego's
    /// own map is never weakened.
    case max
    /// Per-cell scaled dot-product attention with the ego's vector as query over all present
    /// agents (AttFuse's parameter-free attention), with `log w_i` added to the logits.
    case attention
    /// Weighted mean `Σ w_i F_i / Σ w_i` over present agents (the ego with weight 1).
    case mean
    /// Per cell, the whole feature vector of the agent with the highest score: the ego's
    /// score is its own (dilated) confidence, a collaborator's its weight — trust × its
    /// (dilated) confidence. Every fused cell is one agent's real feature vector, so the map
    /// stays in the distribution a single-agent head was trained on, while cells the ego
    /// cannot see are filled from whoever sees them best.
    case select

    /// Fuses the ego's map with weighted collaborator maps of the same shape.
    /// - Parameter egoScores: per cell, the ego's own score for `select` (its dilated
    ///   confidence); `nil` counts as 1 (the ego always wins where it has a map).
    /// - Throws: `V2XError.shapeMismatch` when shapes or weight counts differ.
    public func fuse(ego: FeatureMap, egoScores: [Float]? = nil, collaborators: [(map: FeatureMap, weights: [Float])]) throws -> FeatureMap {
        let cells = ego.height * ego.width, channels = ego.channels
        if let egoScores, egoScores.count != cells {
            throw V2XError(.shapeMismatch, "\(egoScores.count) ego scores for \(cells) cells")
        }
        for (map, weights) in collaborators {
            guard map.height == ego.height, map.width == ego.width, map.channels == channels, weights.count == cells else {
                throw V2XError(.shapeMismatch, "collaborator map \(map.height)×\(map.width)×\(map.channels) with \(weights.count) weights; ego \(ego.height)×\(ego.width)×\(channels)")
            }
        }
        var out = ego
        guard !collaborators.isEmpty else { return out }
        out.values.withUnsafeMutableBufferPointer { fused in
            for cell in 0..<cells {
                let present = collaborators.indices.filter { collaborators[$0].weights[cell] > 0 }
                guard !present.isEmpty else { continue }
                let base = cell * channels
                switch self {
                case .select:
                    var best = egoScores?[cell] ?? 1, winner: Int? = nil
                    for i in present where collaborators[i].weights[cell] > best { best = collaborators[i].weights[cell]; winner = i }
                    if let winner {
                        collaborators[winner].map.values.withUnsafeBufferPointer { m in
                            for k in 0..<channels { fused[base + k] = m[base + k] }
                        }
                    }
                case .max:
                    for i in present {
                        let w = collaborators[i].weights[cell]
                        collaborators[i].map.values.withUnsafeBufferPointer { m in
                            for k in 0..<channels { fused[base + k] = Swift.max(fused[base + k], w * m[base + k]) }
                        }
                    }
                case .mean:
                    var total: Float = 1
                    for i in present {
                        let w = collaborators[i].weights[cell]
                        total += w
                        collaborators[i].map.values.withUnsafeBufferPointer { m in
                            for k in 0..<channels { fused[base + k] += w * m[base + k] }
                        }
                    }
                    for k in 0..<channels { fused[base + k] /= total }
                case .attention:
                    let scale = 1 / Float(channels).squareRoot()
                    var logits: [Float] = [0]
                    var query: Float = 0
                    for k in 0..<channels { query += ego.values[base + k] * ego.values[base + k] }
                    logits[0] = query * scale
                    for i in present {
                        var dot: Float = 0
                        collaborators[i].map.values.withUnsafeBufferPointer { m in
                            for k in 0..<channels { dot += ego.values[base + k] * m[base + k] }
                        }
                        logits.append(dot * scale + log(collaborators[i].weights[cell]))
                    }
                    let top = logits.max()!
                    let exps = logits.map { exp($0 - top) }
                    let sum = exps.reduce(0, +)
                    for k in 0..<channels { fused[base + k] = ego.values[base + k] * exps[0] / sum }
                    for (j, i) in present.enumerated() {
                        let a = exps[j + 1] / sum
                        collaborators[i].map.values.withUnsafeBufferPointer { m in
                            for k in 0..<channels { fused[base + k] += a * m[base + k] }
                        }
                    }
                }
            }
        }
        return out
    }
}
