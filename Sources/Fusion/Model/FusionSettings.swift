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
    /// Every mode: correct collaborators' poses from box agreement before using them; `nil` =
    /// off. On by default since the ninth session: it leaves exact poses (σ = 0) where they
    /// are, and on val it raised the full stack's AP@0.7 by 0.9 at σ 0.2 m and 5.6 at σ 0.4 m.
    public var poseCorrection: BoxAgreementAlignment?
    /// Intermediate fusion: move the cars a delayed collaborator saw moving, in its map and
    /// among its boxes, by how far they have gone since (`ObjectMotion`, velocities followed
    /// over its earlier messages by `TrackedVelocity`). On by default since the ninth session.
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
    /// Intermediate fusion, with box adoption: a collaborator box with no final box within
    /// `missedBoxGateMeters` is an object the fused head missed; it is added, scored its
    /// sender's score times `missedBoxScoreFactor`.
    public var addsMissedCollaboratorBoxes: Bool
    /// How near a final box must be for a collaborator box to count as found, metres.
    public var missedBoxGateMeters: Double
    /// What an added box's score is scaled by, so it ranks below the ego's boxes of equal score.
    public var missedBoxScoreFactor: Double
    /// Intermediate fusion, with box adoption: how far a box that single maps also found is
    /// raised (`CooperativeDetector.confirmed`: `s → 1 − (1 − s)(1 − k·c)` for the best
    /// confirming score `c` within `missedBoxGateMeters`); 0 = off. 0.5: chosen on the val split.
    public var confirmationFactor: Double
    /// Intermediate fusion, with box adoption: most of a sender's returns carried with each
    /// box it sends (`BoxReturns`, 3 bytes each, in what the cells leave of the byte budget), so the ego refits
    /// final boxes to its own and every sender's returns of the object; 0 = none.
    public var boxReturnLimit: Int
    /// Intermediate fusion, with box adoption: the final boxes (fused and added) are scored by
    /// this logistic model of their evidence (`BoxRescorer`, `BoxEvidence`) instead of being
    /// `confirmed`; `nil` = confirmation. Loaded from the model folder's `rescorer.json`.
    public var rescorer: BoxRescorer?

    /// Lowest score of the boxes a sender adds for adoption (pose correction still matches
    /// only its own `minScore`).
    public static let adoptionAnchorMinScore = 0.2
    /// Most boxes a sender adds for adoption.
    public static let adoptionAnchorLimit = 32
    /// Most returns a sender carries with each box by default (`boxReturnLimit`).
    public static let defaultBoxReturnLimit = 64
    /// Most returns a box may carry (`boxReturnLimit`'s valid range is 0 through this).
    public static let maxBoxReturnLimit = 4096

    /// How far (1σ) a collaborator's pose may misplace the returns of a box for the ego to
    /// refit to them: the pose's position σ plus the box's range from the sender times its yaw
    /// σ, metres. 0.1 m, half the refit's cluster link: on val with pose noise σ 0.2 and 0.4 m
    /// (corrected or not) it leaves AP where it is without returns; with no limit, uncorrected
    /// σ 0.4 m poses cost 30 AP@0.7 (0.404 against 0.709) and even corrected ones 1.8.
    public static let boxReturnMisplacementLimitMeters = 0.1

    /// The defaults: trust-weighted attention across agents per cell for intermediate fusion
    /// (chosen on val over selection, docs/fusion.md) with motion compensation, poses
    /// corrected from box agreement, TCLF for late fusion, boxes refitted to the ego's returns.
    public init(
        mode: FusionMode, fusionOperator: FusionOperator = .attention, trust: TrustModel? = TrustModel(),
        lateNMSIoUThreshold: Double = 0.1, lateMotionCompensation: Bool = true, poseCorrection: BoxAgreementAlignment? = BoxAgreementAlignment(),
        motionCompensation: Bool = true, boxRefiner: BoxRefiner? = BoxRefiner(), adoptsCollaboratorBoxes: Bool = true,
        adoptionGateMeters: Double = 1.5, addsMissedCollaboratorBoxes: Bool = true, missedBoxGateMeters: Double = 1,
        missedBoxScoreFactor: Double = 0.5, confirmationFactor: Double = 0.5, boxReturnLimit: Int = defaultBoxReturnLimit,
        rescorer: BoxRescorer? = nil
    ) {
        self.mode = mode; self.fusionOperator = fusionOperator; self.trust = trust
        self.lateNMSIoUThreshold = lateNMSIoUThreshold; self.lateMotionCompensation = lateMotionCompensation
        self.poseCorrection = poseCorrection
        self.motionCompensation = motionCompensation
        self.boxRefiner = boxRefiner
        self.adoptsCollaboratorBoxes = adoptsCollaboratorBoxes
        self.adoptionGateMeters = adoptionGateMeters
        self.addsMissedCollaboratorBoxes = addsMissedCollaboratorBoxes
        self.missedBoxGateMeters = missedBoxGateMeters
        self.missedBoxScoreFactor = missedBoxScoreFactor
        self.confirmationFactor = confirmationFactor
        self.boxReturnLimit = boxReturnLimit
        self.rescorer = rescorer
    }

    /// Whether the ego adopts collaborators' boxes (`adoptsCollaboratorBoxes` in
    /// intermediate fusion with a refiner).
    public var adoptsBoxes: Bool {
        mode == .intermediate && boxRefiner != nil && adoptsCollaboratorBoxes
    }

    /// Whether the ego adds the collaborator boxes it found nothing near
    /// (`addsMissedCollaboratorBoxes` with box adoption on).
    public var addsMissedBoxes: Bool {
        adoptsBoxes && addsMissedCollaboratorBoxes
    }

    /// Most returns a sender carries with each box it sends: `boxReturnLimit` when the ego
    /// adopts boxes, else 0.
    public var sentReturnsPerBox: Int {
        adoptsBoxes ? max(boxReturnLimit, 0) : 0
    }

    /// How collaborators pick the confident boxes (anchors) they send with their features,
    /// when pose correction, motion compensation or box adoption reads them; `nil` = they send
    /// none. Adoption widens the selection to `adoptionAnchorLimit` boxes scored at least
    /// `adoptionAnchorMinScore`.
    public var anchorSelection: BoxAgreementAlignment? {
        guard adoptsBoxes else { return poseCorrection ?? (motionCompensation ? BoxAgreementAlignment() : nil) }
        var selection = poseCorrection ?? BoxAgreementAlignment()
        selection.minScore = min(selection.minScore, Self.adoptionAnchorMinScore)
        selection.maxAnchors = max(selection.maxAnchors, Self.adoptionAnchorLimit)
        return selection
    }
}
