/// How an ego agent combines what its collaborators share.
public enum FusionMode: String, Sendable, CaseIterable, Codable {
    /// The ego's own sweep only.
    case none
    /// Box-level fusion of each agent's detections.
    case late
    /// Raw points of every agent merged before perception (bandwidth-infeasible upper bound).
    case early
    /// BEV feature maps shared, warped and fused before the detection head.
    case intermediate
}
