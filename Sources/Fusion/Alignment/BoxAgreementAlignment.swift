import Foundation
import V2XCore

/// Corrects a collaborator's reported pose from the agreement of its boxes with the ego's
/// (CoAlign-style), before its map is warped.
///
/// Both agents detect some of the same cars. With the reported (noisy) poses, the
/// collaborator's box centres land near the ego's; a planar rigid transform `Δ` (yaw `θ`,
/// shift `t`, in the ego frame) that moves them onto the ego's is the pose error.
///
/// 1. Anchors: each side's boxes scored at least `minScore`.
/// 2. Matching: mutual nearest centres within `gateBase + 3σ_p + 3σ_θ·r` metres (σ from the
///    sender's reported covariance, `r` the box's range from the ego).
/// 3. Weighted least squares (2-D Kabsch; weight = product of the two scores), then pairs
///    whose residual exceeds `max(outlierFloor, 2.5 × median)` are dropped and the fit redone
///    (moving cars under delay disagree by their motion).
/// 4. A Gaussian prior: the pose error is `N(0, σ_p²)` per axis and `N(0, σ_θ²)` in yaw, a
///    box centre is off by `N(0, detectionSigma²)`. `Δ` turns about the matched centroid `m`
///    and shifts it; each least-squares part is shrunk toward zero by the ratio of the
///    variances (the MAP estimate of this linear-Gaussian model):
///    `shift = (m_ego − m) · σ_p² / (σ_p² + σ_d²/W)` and `θ = θ_ls · σ_θ² / (σ_θ² + σ_d²/S)`,
///    with `W` the sum of weights and `S` the weighted spread `Σ w |p − m|²` (m²). So with an
///    exact pose (σ = 0) nothing moves, and with few or poor matches little does.
/// 5. The corrected sender pose is `P_e ∘ Δ ∘ P_e⁻¹ ∘ P_c`, and its reported uncertainty is
///    replaced by the posterior one, which the trust model then reads.
///
/// Fewer than `minMatches` pairs: the pose is left as reported.
public struct BoxAgreementAlignment: Sendable, Hashable, Codable {
    /// Boxes below this score are not anchors.
    public var minScore: Double
    /// Fewest matched pairs for a correction.
    public var minMatches: Int
    /// Matching gate before the pose uncertainty is added, metres.
    public var gateBaseMeters: Double
    /// Residuals below this are never outliers, metres.
    public var outlierFloorMeters: Double
    /// How far a detected box centre is from the true one (σ, metres), for the prior's weight.
    public var detectionSigmaMeters: Double
    /// Anchors a sender puts in its message, best first.
    public var maxAnchors: Int

    /// The defaults: score ≥ 0.3, 3 pairs, 1 m gate plus 3σ, residual floor 0.5 m, boxes off
    /// by 0.3 m (the shipped detector's centre error is about 0.25 m), 16 anchors a message.
    public init(minScore: Double = 0.3, minMatches: Int = 3, gateBaseMeters: Double = 1, outlierFloorMeters: Double = 0.5,
                detectionSigmaMeters: Double = 0.3, maxAnchors: Int = 16) {
        self.minScore = minScore; self.minMatches = minMatches; self.gateBaseMeters = gateBaseMeters
        self.outlierFloorMeters = outlierFloorMeters; self.detectionSigmaMeters = detectionSigmaMeters; self.maxAnchors = maxAnchors
    }

    /// What one correction found.
    public struct Correction: Sendable, Equatable {
        /// The corrected sensor → world pose of the collaborator.
        public var pose: Pose
        /// The posterior uncertainty of that pose.
        public var uncertainty: PoseUncertainty
        /// Pairs the fit used.
        public var matches: Int
        /// The applied shift (ego frame, metres) and turn (radians).
        public var shift: SIMD2<Double>
        public var turn: Double
    }

    /// The boxes a sender puts in its message for receivers to align with: its most
    /// confident `maxAnchors` boxes scored at least `minScore`.
    public func anchors(from boxes: [Box3D]) -> [Box3D] {
        Array(boxes.filter { ($0.score ?? 0) >= minScore }.sorted { ($0.score ?? 0) > ($1.score ?? 0) }.prefix(maxAnchors))
    }

    /// `collaborator` with its pose (and uncertainty) corrected against `ego`'s boxes, or
    /// unchanged when there is nothing to correct or too little agreement.
    public func aligned(_ collaborator: AgentObservation, to ego: AgentObservation) -> AgentObservation {
        guard let correction = correction(of: collaborator, to: ego) else { return collaborator }
        var out = collaborator
        out.pose = correction.pose
        out.poseUncertainty = correction.uncertainty
        return out
    }

    /// The correction of `collaborator`'s pose against `ego`'s boxes, or `nil` when its pose
    /// is reported exact or fewer than `minMatches` boxes agree.
    public func correction(of collaborator: AgentObservation, to ego: AgentObservation) -> Correction? {
        let sigmaP = collaborator.poseUncertainty.positionSigmaMeters, sigmaYaw = collaborator.poseUncertainty.yawSigmaRadians
        guard sigmaP > 0 || sigmaYaw > 0 else { return nil }
        let toEgo = Pose.relative(from: collaborator.pose, to: ego.pose)
        let mine = anchors(from: ego.boxes).map { Anchor(x: $0.x, y: $0.y, score: $0.score ?? 0) }
        let theirs = anchors(from: collaborator.boxes).map { b -> Anchor in
            let p = toEgo.apply(SIMD3(b.x, b.y, b.z))
            return Anchor(x: p.x, y: p.y, score: b.score ?? 0)
        }
        var pairs = mutualNearest(theirs, mine, sigmaP: sigmaP, sigmaYaw: sigmaYaw)
        guard pairs.count >= minMatches, var fit = Self.fit(pairs) else { return nil }
        let residuals = pairs.map { fit.residual($0) }
        let cutoff = max(outlierFloorMeters, 2.5 * Self.median(residuals))
        pairs = zip(pairs, residuals).filter { $0.1 <= cutoff }.map(\.0)
        guard pairs.count >= minMatches, let refit = Self.fit(pairs) else { return nil }
        fit = refit

        // Shrink toward the prior (MAP of the linear-Gaussian model).
        let d2 = detectionSigmaMeters * detectionSigmaMeters
        let turnGain = sigmaYaw > 0 && fit.spread > 0 ? sigmaYaw * sigmaYaw / (sigmaYaw * sigmaYaw + d2 / fit.spread) : 0
        let shiftGain = sigmaP > 0 ? sigmaP * sigmaP / (sigmaP * sigmaP + d2 / fit.weight) : 0
        // Δ turns about the matched centroid `m` and shifts it: `Δ(p) = R(p − m) + m + shift`.
        let turn = fit.turn * turnGain
        let shift = (fit.targetMean - fit.sourceMean) * shiftGain
        let (c, s) = (cos(turn), sin(turn))
        let m = fit.sourceMean
        let offset = m - SIMD2(c * m.x - s * m.y, s * m.x + c * m.y) + shift
        let delta = Pose(x: offset.x, y: offset.y, z: 0, yaw: turn)
        let corrected = ego.pose.composed(with: delta).composed(with: ego.pose.inverse).composed(with: collaborator.pose)
        let posteriorP = sigmaP > 0 ? (sigmaP * sigmaP * (1 - shiftGain)).squareRoot() : 0
        let posteriorYaw = sigmaYaw > 0 ? (sigmaYaw * sigmaYaw * (1 - turnGain)).squareRoot() : 0
        return Correction(
            pose: corrected, uncertainty: PoseUncertainty(positionSigmaMeters: posteriorP, yawSigmaRadians: posteriorYaw),
            matches: pairs.count, shift: shift, turn: turn)
    }

    // MARK: Matching and fitting

    struct Anchor: Equatable {
        var x: Double, y: Double, score: Double
    }

    struct Pair: Equatable {
        var source: SIMD2<Double>
        var target: SIMD2<Double>
        var weight: Double
    }

    /// Pairs of collaborator (`source`) and ego (`target`) anchors that are each other's
    /// nearest within the gate.
    func mutualNearest(_ source: [Anchor], _ target: [Anchor], sigmaP: Double, sigmaYaw: Double) -> [Pair] {
        func distance(_ a: Anchor, _ b: Anchor) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }
        func nearest(_ a: Anchor, in set: [Anchor]) -> Int? {
            set.indices.min { distance(a, set[$0]) < distance(a, set[$1]) }
        }
        var pairs: [Pair] = []
        for a in source {
            guard let j = nearest(a, in: target) else { continue }
            let b = target[j]
            let range = (b.x * b.x + b.y * b.y).squareRoot()
            guard distance(a, b) <= gateBaseMeters + 3 * sigmaP + 3 * sigmaYaw * range,
                  let back = nearest(b, in: source), source[back] == a else { continue }
            pairs.append(Pair(source: SIMD2(a.x, a.y), target: SIMD2(b.x, b.y), weight: a.score * b.score))
        }
        return pairs
    }

    /// A weighted planar rigid fit `target ≈ R(turn)·source + shift`.
    struct Fit {
        var turn: Double
        var sourceMean: SIMD2<Double>
        var targetMean: SIMD2<Double>
        /// Σ w.
        var weight: Double
        /// Σ w |source − mean|², m².
        var spread: Double

        var shift: SIMD2<Double> {
            let (c, s) = (cos(turn), sin(turn))
            return targetMean - SIMD2(c * sourceMean.x - s * sourceMean.y, s * sourceMean.x + c * sourceMean.y)
        }

        func residual(_ p: Pair) -> Double {
            let (c, s) = (cos(turn), sin(turn))
            let moved = SIMD2(c * p.source.x - s * p.source.y, s * p.source.x + c * p.source.y) + shift
            let d = moved - p.target
            return (d.x * d.x + d.y * d.y).squareRoot()
        }
    }

    static func fit(_ pairs: [Pair]) -> Fit? {
        let weight = pairs.reduce(0) { $0 + $1.weight }
        guard weight > 0 else { return nil }
        let sourceMean = pairs.reduce(SIMD2<Double>.zero) { $0 + $1.source * $1.weight } / weight
        let targetMean = pairs.reduce(SIMD2<Double>.zero) { $0 + $1.target * $1.weight } / weight
        var dot = 0.0, cross = 0.0, spread = 0.0
        for p in pairs {
            let a = p.source - sourceMean, b = p.target - targetMean
            dot += p.weight * (a.x * b.x + a.y * b.y)
            cross += p.weight * (a.x * b.y - a.y * b.x)
            spread += p.weight * (a.x * a.x + a.y * a.y)
        }
        let turn = dot == 0 && cross == 0 ? 0 : atan2(cross, dot)
        return Fit(turn: turn, sourceMean: sourceMean, targetMean: targetMean, weight: weight, spread: spread)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
