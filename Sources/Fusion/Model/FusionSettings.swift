/// Everything that fixes how the ego fuses: the mode, and for intermediate fusion the
/// operator and trust model; for late fusion its NMS and time compensation.
public struct FusionSettings: Sendable, Equatable, Codable {
    public var mode: FusionMode
    /// Intermediate fusion: how warped maps are combined.
    public var fusionOperator: FusionOperator
    /// Intermediate fusion: per-cell trust weights; `nil` weighs every covered cell 1.
    public var trust: TrustModel?
    /// Late fusion: BEV IoU above which a lower-scored box of the same class is dropped.
    public var lateNMSIoUThreshold: Double
    /// Late fusion: extrapolate collaborators' boxes to the ego's time (TCLF).
    public var lateMotionCompensation: Bool
    /// Every mode: correct collaborators' poses from box agreement before using them; `nil` = off.
    public var poseCorrection: BoxAgreementAlignment?
    /// Intermediate fusion: move the cars a delayed collaborator saw moving by how far they
    /// have gone since (`ObjectMotion`).
    public var motionCompensation: Bool

    /// The defaults: trust-weighted selection of the most confident agent per cell for
    /// intermediate fusion, TCLF for late fusion.
    public init(
        mode: FusionMode, fusionOperator: FusionOperator = .select, trust: TrustModel? = TrustModel(),
        lateNMSIoUThreshold: Double = 0.1, lateMotionCompensation: Bool = true, poseCorrection: BoxAgreementAlignment? = nil,
        motionCompensation: Bool = false
    ) {
        self.mode = mode; self.fusionOperator = fusionOperator; self.trust = trust
        self.lateNMSIoUThreshold = lateNMSIoUThreshold; self.lateMotionCompensation = lateMotionCompensation
        self.poseCorrection = poseCorrection
        self.motionCompensation = motionCompensation
    }

    /// How collaborators pick the confident boxes (anchors) they send with their features,
    /// when pose correction or motion compensation reads them; `nil` = they send none.
    public var anchorSelection: BoxAgreementAlignment? {
        poseCorrection ?? (motionCompensation ? BoxAgreementAlignment() : nil)
    }
}
