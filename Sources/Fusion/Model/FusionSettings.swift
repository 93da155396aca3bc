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
    /// Intermediate fusion, with `boxRefiner`: a final box the ego could not refit (too few
    /// of its own returns) takes the centre, size and heading of the nearest collaborator box
    /// (senders refit their own boxes and add their most confident ones to each message)
    /// within `adoptionGateMeters`.
    public var adoptsCollaboratorBoxes: Bool
    /// How far a collaborator box's centre may be from the ego's box to be adopted, metres
    /// (1.5: chosen on the val split, where 1.0 gave 0.5 AP@0.7 less).
    public var adoptionGateMeters: Double

    /// The defaults: trust-weighted selection of the most confident agent per cell for
    /// intermediate fusion, TCLF for late fusion, boxes refitted to the ego's returns.
    public init(
        mode: FusionMode, fusionOperator: FusionOperator = .select, trust: TrustModel? = TrustModel(),
        lateNMSIoUThreshold: Double = 0.1, lateMotionCompensation: Bool = true, poseCorrection: BoxAgreementAlignment? = nil,
        motionCompensation: Bool = false, boxRefiner: BoxRefiner? = BoxRefiner(), adoptsCollaboratorBoxes: Bool = true,
        adoptionGateMeters: Double = 1.5
    ) {
        self.mode = mode; self.fusionOperator = fusionOperator; self.trust = trust
        self.lateNMSIoUThreshold = lateNMSIoUThreshold; self.lateMotionCompensation = lateMotionCompensation
        self.poseCorrection = poseCorrection
        self.motionCompensation = motionCompensation
        self.boxRefiner = boxRefiner
        self.adoptsCollaboratorBoxes = adoptsCollaboratorBoxes
        self.adoptionGateMeters = adoptionGateMeters
    }

    /// Whether the ego adopts collaborators' boxes (`adoptsCollaboratorBoxes` in
    /// intermediate fusion with a refiner).
    public var adoptsBoxes: Bool {
        mode == .intermediate && boxRefiner != nil && adoptsCollaboratorBoxes
    }

    /// How collaborators pick the confident boxes (anchors) they send with their features,
    /// when pose correction, motion compensation or box adoption reads them; `nil` = they send none.
    public var anchorSelection: BoxAgreementAlignment? {
        poseCorrection ?? (motionCompensation || adoptsBoxes ? BoxAgreementAlignment() : nil)
    }
}
