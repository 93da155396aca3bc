import Perception

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
    /// Every mode: refit the final vehicle boxes to the ego's own returns (`BoxRefiner`), when
    /// the ego's observation carries its points; `nil` = the head's boxes as they are.
    public var boxRefiner: BoxRefiner?

    /// The defaults: trust-weighted selection of the most confident agent per cell for
    /// intermediate fusion, TCLF for late fusion, boxes refitted to the ego's returns.
    public init(
        mode: FusionMode, fusionOperator: FusionOperator = .select, trust: TrustModel? = TrustModel(),
        lateNMSIoUThreshold: Double = 0.1, lateMotionCompensation: Bool = true, poseCorrection: BoxAgreementAlignment? = nil,
        motionCompensation: Bool = false, boxRefiner: BoxRefiner? = BoxRefiner()
    ) {
        self.mode = mode; self.fusionOperator = fusionOperator; self.trust = trust
        self.lateNMSIoUThreshold = lateNMSIoUThreshold; self.lateMotionCompensation = lateMotionCompensation
        self.poseCorrection = poseCorrection
        self.motionCompensation = motionCompensation
        self.boxRefiner = boxRefiner
    }

    /// How collaborators pick the confident boxes (anchors) they send with their features,
    /// when pose correction or motion compensation reads them; `nil` = they send none.
    public var anchorSelection: BoxAgreementAlignment? {
        poseCorrection ?? (motionCompensation ? BoxAgreementAlignment() : nil)
    }
}
