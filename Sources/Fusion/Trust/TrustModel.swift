import Foundation

/// How much the ego trusts each cell of a collaborator's warped map, from the message's
/// age, the sender's pose uncertainty, the cell's distance from the sender and the
/// sender's own confidence (after CoDynTrust: trust falls as the collaborator's picture
/// can have drifted from the ego's present).
///
/// For a cell at planar distance `d` from the sender, a message `Δt` seconds older than the
/// ego's sweep, pose σ `σ_p` (m) and `σ_ψ` (rad), and sender confidence `c`:
///
///     misplacement² = (v·Δt)² + σ_p² + (d·σ_ψ)²
///     w_geometry    = exp(−misplacement² / (2·r²))
///     w_range       = exp(−max(0, d − d₀) / λ)
///     w_confidence  = f + (1 − f)·c            (1 when the sender sent no confidence)
///     w             = coverage · w_geometry · w_range · w_confidence
///
/// `v·Δt` is how far a typically moving object travels while the message ages, `σ_p` and
/// `d·σ_ψ` how far the pose error moves the cell; `r` is the misplacement the detector
/// tolerates (about half a car width plus a feature cell). `w_range` discounts the sparse
/// far field, `f` keeps a floor so a collaborator's uncertain but real evidence (what it
/// sees that the ego cannot) is not thrown away. With no delay and an exact pose every
/// covered cell near the sender has weight ≈ 1; at 500 ms `w_geometry` is ≈ 0.04, so stale
/// maps cannot outvote the ego.
public struct TrustModel: Sendable, Equatable, Codable {
    /// `v`, m/s: the speed whose displacement over the message age counts as misplacement.
    public var typicalSpeedMetersPerSecond: Double
    /// `r`, m: the misplacement at which trust has fallen to e^(−1/2).
    public var toleranceMeters: Double
    /// `d₀`, m: distance from the sender up to which range costs nothing.
    public var rangeOnsetMeters: Double
    /// `λ`, m: e-folding distance of the range discount beyond `d₀`.
    public var rangeScaleMeters: Double
    /// `f` in [0, 1]: weight of a cell the sender is not confident about.
    public var confidenceFloor: Double

    /// The default parameters: urban traffic at 8 m/s, 1.6 m tolerance (two feature cells),
    /// range discount beyond 40 m with 40 m scale, confidence floor 0.5.
    public init(
        typicalSpeedMetersPerSecond: Double = 8, toleranceMeters: Double = 1.6,
        rangeOnsetMeters: Double = 40, rangeScaleMeters: Double = 40, confidenceFloor: Double = 0.5
    ) {
        self.typicalSpeedMetersPerSecond = typicalSpeedMetersPerSecond
        self.toleranceMeters = toleranceMeters
        self.rangeOnsetMeters = rangeOnsetMeters
        self.rangeScaleMeters = rangeScaleMeters
        self.confidenceFloor = confidenceFloor
    }

    /// The part of the weight shared by every cell at distance `d`: geometry and range.
    public func weight(ageSeconds: Double, pose: PoseUncertainty, distanceMeters d: Double) -> Double {
        let age = max(0, ageSeconds)
        let motion = typicalSpeedMetersPerSecond * age
        let yawShift = d * pose.yawSigmaRadians
        let misplacement2 = motion * motion + pose.positionSigmaMeters * pose.positionSigmaMeters + yawShift * yawShift
        let geometry = exp(-misplacement2 / (2 * toleranceMeters * toleranceMeters))
        let range = exp(-max(0, d - rangeOnsetMeters) / rangeScaleMeters)
        return geometry * range
    }

    /// Per-cell weights of one warped collaborator map.
    /// - Parameters:
    ///   - warped: the warp's coverage and sender distances.
    ///   - confidence: the sender's confidence warped onto the same cells, or `nil`.
    public func weights(_ warped: WarpedFeatures, ageSeconds: Double, pose: PoseUncertainty, confidence: [Float]?) -> [Float] {
        var out = [Float](repeating: 0, count: warped.coverage.count)
        let floor = Float(min(max(confidenceFloor, 0), 1))
        for cell in out.indices where warped.coverage[cell] > 0 {
            var w = Float(weight(ageSeconds: ageSeconds, pose: pose, distanceMeters: Double(warped.senderDistance[cell])))
            if let confidence {
                // The warped confidence is attenuated by partial coverage like the features.
                let c = min(max(confidence[cell] / warped.coverage[cell], 0), 1)
                w *= floor + (1 - floor) * c
            }
            out[cell] = w
        }
        return out
    }
}
