import Comm
import Foundation
import Perception
import V2XCore

/// The ego's detection stage: what each fusion mode does with the ego's observation and
/// its collaborators', ending in boxes in the ego's LiDAR frame.
///
/// - `none`: the ego's features (or, without them, its points) through the head.
/// - `intermediate`: each collaborator's decoded map warped into the ego frame
///   (`FeatureWarp`), weighted (`TrustModel`, or coverage only), combined with the ego's
///   (`FusionOperator`) and run through the head.
/// - `late`: every agent's boxes merged with time compensation (`LateFusion`).
/// - `early`: every agent's points merged, then the whole detector (`EarlyFusion`).
///
/// In every mode the boxes are then refitted to the ego's own returns (`BoxRefiner`; in early
/// fusion to every agent's, in intermediate fusion also to the returns collaborators sent
/// inside their boxes) when the settings ask for it and the ego's observation carries its
/// points; in intermediate fusion the boxes it cannot refit adopt a collaborator's (refitted by
/// its sender), the boxes a single map also found score higher (`confirmed`), and the
/// collaborator boxes no final box lies near are added (objects the fused head missed) and
/// refitted.
/// Last, a box that holds the ego's own sensor (its own car, as its collaborators saw it) is
/// dropped.
public struct CooperativeDetector: Sendable {
    public let detector: BEVDetector
    /// The detector whose head reads fused maps (`FusionHead`); the plain detector when `nil`.
    public let fusionHead: BEVDetector?
    public let settings: FusionSettings
    let late: LateFusion

    /// - Throws: `V2XError.invalidArgument` for invalid late-fusion or refinement settings.
    public init(detector: BEVDetector, fusionHead: BEVDetector? = nil, settings: FusionSettings) throws {
        try settings.boxRefiner?.validate()
        self.detector = detector
        self.fusionHead = fusionHead
        self.settings = settings
        late = try LateFusion(nmsIoUThreshold: settings.lateNMSIoUThreshold, compensatesMotion: settings.lateMotionCompensation)
    }

    /// Detections for the ego's frame.
    /// - Throws: `V2XError.invalidArgument` when an observation lacks what the mode needs,
    ///   `.shapeMismatch` when a map is not on the detector's feature grid.
    public func detect(ego: AgentObservation, collaborators received: [AgentObservation]) throws -> [Box3D] {
        try detect(ego: ego, collaborators: received, gathersEvidence: settings.rescorer != nil).map(\.box)
    }

    /// `detect`'s boxes, each with its evidence as `refinedWithEvidence` gives it (nil where no
    /// box is adopted).
    /// - Throws: as `detect`.
    public func detectWithEvidence(ego: AgentObservation, collaborators: [AgentObservation]) throws -> [(box: Box3D, evidence: BoxEvidence?)] {
        try detect(ego: ego, collaborators: collaborators, gathersEvidence: true)
    }

    private func detect(ego: AgentObservation, collaborators received: [AgentObservation], gathersEvidence: Bool) throws -> [(box: Box3D, evidence: BoxEvidence?)] {
        let collaborators = aligned(received, to: ego)
        let boxes: [Box3D]
        switch settings.mode {
        case .none:
            if ego.features != nil {
                boxes = try detector.detect(features(of: ego))
            } else {
                guard let points = ego.points else { throw V2XError(.invalidArgument, "the ego observation has neither features nor points") }
                boxes = try detector.detect(points: points)
            }
        case .intermediate:
            boxes = try (fusionHead ?? detector).detect(fuseFeatures(ego: ego, collaborators: collaborators))
        case .late:
            boxes = late.fuse(ego: ego, collaborators: collaborators)
        case .early:
            let merged = try Self.withEveryAgentsReturns(ego, collaborators: collaborators)
            // Early fusion has every agent's returns, so its boxes are refitted to all of them.
            let refitted = refined(try detector.detect(points: merged.points ?? PointCloud()), ego: merged, collaborators: collaborators)
            return Self.withoutOwnVehicle(refitted).map { ($0, nil) }
        }
        return refinedBoxes(boxes, ego: ego, collaborators: collaborators, gathersEvidence: gathersEvidence)
            .filter { !Self.holdsSensor($0.box) }
    }

    /// `boxes` (in the ego's LiDAR frame) without those whose footprint holds the ego's sensor:
    /// the car the ego rides on, which its collaborators see, detect and send (as boxes, returns
    /// or features). No other object can hold the sensor, and the ground truth leaves the ego's
    /// vehicle out by the same test (`CooperativeGroundTruth`).
    public static func withoutOwnVehicle(_ boxes: [Box3D]) -> [Box3D] {
        boxes.filter { !holdsSensor($0) }
    }

    /// Whether `box`'s footprint holds the ego's sensor (the origin of its frame).
    static func holdsSensor(_ box: Box3D) -> Bool {
        box.footprintContains(x: 0, y: 0)
    }

    /// `boxes` (in the ego's frame), in intermediate fusion first `levelled` (heights from the
    /// boxes detected on single maps), then refitted to the ego's own returns (in intermediate
    /// fusion with the returns the collaborators sent inside their boxes) when the settings
    /// have a `BoxRefiner` and the observation carries its points. With motion compensation,
    /// the collaborators' boxes of cars they saw moving are first moved to where those cars
    /// are at the ego's sweep (`ObjectMotion.moved`), as their maps are. When the
    /// settings adopt collaborators' boxes, each box the ego could not refit takes the centre,
    /// size and heading of the nearest box a collaborator sent (in the ego's frame through the
    /// collaborator's pose, as `collaborators` give it) within the adoption gate; its score,
    /// label, height and z stay. The boxes are then `confirmed` by the boxes detected on single
    /// maps, and with `addsMissedBoxes` the collaborator boxes left without a final box nearby
    /// are added (`missedBoxes`) and refitted to the same returns.
    public func refined(_ boxes: [Box3D], ego: AgentObservation, collaborators: [AgentObservation] = []) -> [Box3D] {
        refinedBoxes(boxes, ego: ego, collaborators: collaborators, gathersEvidence: settings.rescorer != nil).map(\.box)
    }

    /// `refined`'s boxes, each with the evidence it is (with `settings.rescorer`) or would be
    /// (without one: the boxes are then `confirmed`) rescored from; the evidence is nil where
    /// no box is adopted (outside intermediate fusion with adoption, or when no collaborator
    /// sent a box). What `v2x train-rescorer` fits the rescorer to.
    public func refinedWithEvidence(_ boxes: [Box3D], ego: AgentObservation, collaborators: [AgentObservation] = []) -> [(box: Box3D, evidence: BoxEvidence?)] {
        refinedBoxes(boxes, ego: ego, collaborators: collaborators, gathersEvidence: true)
    }

    private func refinedBoxes(_ boxes: [Box3D], ego: AgentObservation, collaborators: [AgentObservation],
                              gathersEvidence: Bool) -> [(box: Box3D, evidence: BoxEvidence?)] {
        let (sent, sentReturns) = sentVehicles(collaborators, ego: ego)
        let gate = settings.adoptionGateMeters
        let levelled = settings.mode == .intermediate ? Self.levelled(boxes, own: ego.boxes, sent: sent, gateMeters: gate) : boxes
        guard let refiner = settings.boxRefiner else { return levelled.map { ($0, nil) } }
        // Intermediate fusion refits to the ego's returns and those the messages carried.
        let returns = ego.points.map { settings.mode == .intermediate && !sentReturns.isEmpty ? [$0, sentReturns] : [$0] }
        // Bucketed once for the final boxes and the collaborator boxes that may be added.
        let prepared = returns.map { refiner.prepared($0, for: levelled + sent) }
        let fitted = prepared.map { refiner.refits(levelled, in: $0) } ?? levelled.map { ($0, false) }
        guard settings.adoptsBoxes, !sent.isEmpty else { return fitted.map { ($0.box, nil) } }
        let adopted = fitted.map { box, refitted in
            guard !refitted, box.label.category == .vehicle else { return box }
            let nearest = sent.min { hypot($0.x - box.x, $0.y - box.y) < hypot($1.x - box.x, $1.y - box.y) }
            guard let nearest, hypot(nearest.x - box.x, nearest.y - box.y) <= gate else { return box }
            var out = box
            out.x = nearest.x; out.y = nearest.y
            out.l = nearest.l; out.w = nearest.w; out.yaw = nearest.yaw
            return out
        }
        // The added boxes are refitted too: to every sender's returns of the object, when
        // the messages carried them.
        let missed = settings.addsMissedBoxes ? missedBoxes(adopted, sent: sent) : []
        let added = prepared.map { refiner.refits(missed, in: $0).map(\.box) } ?? missed
        let final = adopted + added
        let evidence: [BoxEvidence?] = gathersEvidence
            ? BoxEvidence.gather(final, added: final.indices.map { $0 >= adopted.count }, sent: sent, own: ego.boxes,
                                 egoPoints: ego.points, received: sentReturns, gateMeters: settings.missedBoxGateMeters)
            : final.map { _ in nil }
        let scored: [Box3D]
        if let rescorer = settings.rescorer {
            scored = zip(final, evidence).map { box, evidence in
                var out = box
                out.score = evidence.map(rescorer.score) ?? box.score
                return out
            }
        } else {
            let witnesses = sent + ego.boxes.filter { $0.label.category == .vehicle }
            scored = Self.confirmed(adopted, witnesses: witnesses, gateMeters: settings.missedBoxGateMeters,
                                    factor: settings.confirmationFactor) + added
        }
        return zip(scored, evidence).map { ($0, $1) }.sorted { ($0.box.score ?? 0) > ($1.box.score ?? 0) }
    }

    /// Each collaborator's vehicle boxes in the ego's frame (with motion compensation, those of
    /// the cars it saw moving first moved to where the cars are at the ego's sweep, as their
    /// maps are) and the returns it sent inside the boxes that were not moved and that its
    /// pose places well enough (`boxReturnMisplacementLimitMeters`), in the ego's frame.
    func sentVehicles(_ collaborators: [AgentObservation], ego: AgentObservation) -> (boxes: [Box3D], returns: PointCloud) {
        let egoFromWorld = ego.pose.inverse
        var boxes: [Box3D] = []
        var returns = PointCloud()
        for agent in collaborators {
            let motion = settings.motionCompensation ? motion(of: agent, ego: ego) : nil
            let toEgo = egoFromWorld.composed(with: agent.pose)
            for (i, box) in agent.boxes.enumerated() where box.label.category == .vehicle {
                let moved = motion?.moved(box) ?? box
                boxes.append(moved.transformed(by: toEgo))
                // A car seen moving is where motion compensation estimates it; its returns,
                // moved alike, would smear the ego's own (val at 300 ms: 0.760 AP@0.7 with
                // them, 0.779 without), so they stay out. So do returns an uncertain pose
                // would misplace by more than the limit (σ of position plus range times σ of yaw).
                let misplacement = agent.poseUncertainty.positionSigmaMeters + hypot(box.x, box.y) * agent.poseUncertainty.yawSigmaRadians
                guard i < agent.boxReturns.count, moved == box, misplacement <= FusionSettings.boxReturnMisplacementLimitMeters else { continue }
                for p in agent.boxReturns[i] {
                    let q = toEgo.apply(p)
                    returns.append(x: Float(q.x), y: Float(q.y), z: Float(q.z), intensity: 0)
                }
            }
        }
        return (boxes, returns)
    }

    /// `boxes` with the score `s` of each raised to `1 − (1 − s)(1 − k·c)`, where `c` is the
    /// highest score of the `witnesses` (boxes detected on single maps: the collaborators' and
    /// the ego's own, in the ego's frame) within `gateMeters` in the plane and `k` is `factor`;
    /// boxes no witness lies near keep their score.
    ///
    /// The fused head scores a car from one fused map; a car that an agent's own head also
    /// found on its own map is likelier real, so it ranks above fused-map boxes no single
    /// map confirms (which are where the fused head's false positives are). The box itself
    /// does not move.
    static func confirmed(_ boxes: [Box3D], witnesses: [Box3D], gateMeters: Double, factor: Double) -> [Box3D] {
        guard factor > 0, !witnesses.isEmpty else { return boxes }
        return boxes.map { box in
            let support = witnesses.filter { hypot($0.x - box.x, $0.y - box.y) <= gateMeters }.map { $0.score ?? 0 }.max() ?? 0
            guard support > 0 else { return box }
            var out = box
            out.score = 1 - (1 - (box.score ?? 0)) * (1 - factor * support)
            return out
        }
    }

    /// `boxes` with the centre height and height of the nearest box (within `gateMeters`, in
    /// the plane) the ego detected on its own map, else of the nearest one a collaborator
    /// sent (`sent`, in the ego's frame); boxes with neither stay as they are.
    ///
    /// Each agent's encoder describes heights relative to its own LiDAR, and warping moves a
    /// map in the plane only, so a fused map mixes heights measured from mounts up to 6 m
    /// apart: the fused head's `z` was off by −0.27 m on average (σ 0.28 m) on val highway
    /// against 0.03 m (σ 0.08 m) for the ego's own head. A box too low takes ground returns
    /// into its refit and comes out too wide. The boxes detected on single maps are in their
    /// own sensor's height reference, which the poses carry into the ego's frame.
    static func levelled(_ boxes: [Box3D], own: [Box3D], sent: [Box3D], gateMeters: Double) -> [Box3D] {
        guard !own.isEmpty || !sent.isEmpty else { return boxes }
        func nearest(to box: Box3D, in candidates: [Box3D]) -> Box3D? {
            candidates.filter { hypot($0.x - box.x, $0.y - box.y) <= gateMeters }
                .min { hypot($0.x - box.x, $0.y - box.y) < hypot($1.x - box.x, $1.y - box.y) }
        }
        return boxes.map { box in
            guard box.label.category == .vehicle,
                  let reference = nearest(to: box, in: own.filter { $0.label.category == .vehicle }) ?? nearest(to: box, in: sent) else { return box }
            var out = box
            out.z = reference.z; out.h = reference.h
            return out
        }
    }

    /// Most confident first, each collaborator box with none of `boxes` (nor of the boxes
    /// added before it) within `missedBoxGateMeters`, scored its sender's score times
    /// `missedBoxScoreFactor`.
    func missedBoxes(_ boxes: [Box3D], sent: [Box3D]) -> [Box3D] {
        let gate = settings.missedBoxGateMeters
        var added: [Box3D] = []
        for candidate in sent.sorted(by: { ($0.score ?? 0) > ($1.score ?? 0) }) {
            func near(_ box: Box3D) -> Bool { hypot(box.x - candidate.x, box.y - candidate.y) <= gate }
            guard !boxes.contains(where: near), !added.contains(where: near) else { continue }
            var box = candidate
            box.score = (candidate.score ?? 0) * settings.missedBoxScoreFactor
            added.append(box)
        }
        return added
    }

    /// `ego` with every agent's returns in its frame as its points (`EarlyFusion.mergedPoints`).
    /// - Throws: `V2XError.invalidArgument` when the ego has no points.
    static func withEveryAgentsReturns(_ ego: AgentObservation, collaborators: [AgentObservation]) throws -> AgentObservation {
        var merged = ego
        merged.points = try EarlyFusion.mergedPoints(ego: ego, collaborators: collaborators)
        return merged
    }

    /// `collaborators` with their poses corrected against the ego's boxes when the settings
    /// ask for it (`BoxAgreementAlignment`).
    public func aligned(_ collaborators: [AgentObservation], to ego: AgentObservation) -> [AgentObservation] {
        guard let correction = settings.poseCorrection else { return collaborators }
        return collaborators.map { correction.aligned($0, to: ego) }
    }

    /// Intermediate fusion up to the head: the fused map on the ego's feature grid
    /// (collaborators' poses as given: `detect` aligns them first).
    public func fuseFeatures(ego: AgentObservation, collaborators: [AgentObservation]) throws -> BEVFeatures {
        let egoFeatures = try features(of: ego)
        let selects = settings.fusionOperator == .select
        var inputs: [(map: FeatureMap, weights: [Float])] = []
        for agent in collaborators {
            let own = try features(of: agent, grid: agent.grid ?? egoFeatures.grid)
            let warp = FeatureWarp(sourceGrid: own.grid, targetGrid: egoFeatures.grid)
            let age = ego.captureTime.seconds(since: agent.captureTime)
            let motion = settings.motionCompensation ? motion(of: agent, ego: ego) : nil
            let warped = try warp.warp(own.map, sourcePose: agent.pose, targetPose: ego.pose, sentMask: agent.sentMask, motion: motion)
            let confidence = try agent.confidence.map {
                try warp.warpScalar(Self.dilated($0, own.grid), sourcePose: agent.pose, targetPose: ego.pose, sentMask: agent.sentMask, motion: motion)
            }
            var weights: [Float]
            if let trust = settings.trust {
                weights = trust.weights(warped, ageSeconds: age,
                                        pose: agent.poseUncertainty, confidence: selects ? nil : confidence)
            } else {
                weights = warped.coverage.map { $0 > 0 ? 1 : 0 }
            }
            if selects, let confidence {
                // The score of a collaborator's cell: its weight times its own confidence there.
                for cell in weights.indices where warped.coverage[cell] > 0 {
                    weights[cell] *= min(max(confidence[cell] / warped.coverage[cell], 0), 1)
                }
            }
            inputs.append((warped.map, weights))
        }
        let egoScores = selects ? ego.confidence.map { Self.dilated($0, egoFeatures.grid) } : nil
        let fused = try settings.fusionOperator.fuse(ego: egoFeatures.map, egoScores: egoScores, collaborators: inputs)
        return try BEVFeatures(grid: egoFeatures.grid, map: fused, sensorToWorld: ego.pose)
    }

    /// How the cars `agent` saw moving have moved by the ego's sweep (`ObjectMotion`).
    func motion(of agent: AgentObservation, ego: AgentObservation) -> ObjectMotion? {
        ObjectMotion.estimate(agent, ageSeconds: ego.captureTime.seconds(since: agent.captureTime))
    }

    /// A confidence map spread over 5×5 cells (two 3×3 max filters), so an object's
    /// score covers its whole footprint rather than its centre cell only.
    static func dilated(_ confidence: [Float], _ grid: BEVGrid) -> [Float] {
        CellSelector.maxFilter3x3(CellSelector.maxFilter3x3(confidence, height: grid.height, width: grid.width),
                                  height: grid.height, width: grid.width)
    }

    /// An observation's map as `BEVFeatures` on `grid` (the ego's must be the detector's).
    func features(of agent: AgentObservation, grid: BEVGrid? = nil) throws -> BEVFeatures {
        guard let map = agent.features else {
            throw V2XError(.invalidArgument, "intermediate fusion needs the feature map of agent '\(agent.agentID)'")
        }
        guard map.channels == detector.config.featureChannels else {
            throw V2XError(.shapeMismatch, "agent '\(agent.agentID)' sent \(map.channels) channels; the model needs \(detector.config.featureChannels)")
        }
        if let mask = agent.sentMask, mask.count != map.height * map.width {
            throw V2XError(.shapeMismatch, "agent '\(agent.agentID)' sent a mask of \(mask.count) cells for a \(map.height)×\(map.width) map")
        }
        if let confidence = agent.confidence, confidence.count != map.height * map.width {
            throw V2XError(.shapeMismatch, "agent '\(agent.agentID)' sent \(confidence.count) confidences for a \(map.height)×\(map.width) map")
        }
        return try BEVFeatures(grid: grid ?? detector.config.featureGrid, map: map, sensorToWorld: agent.pose)
    }
}
