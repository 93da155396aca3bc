import Foundation
import Fusion
import Perception
import Testing
import V2XCore
import V2XTestSupport

@Suite struct CooperativeDetectorTests {
    /// A small random-weight detector over ±12.8 m (feature grid 32×32).
    static let detector: BEVDetector = {
        var config = DetectorConfig.default
        config.grid = try! BEVGrid(minX: -12.8, maxX: 12.8, minY: -12.8, maxY: 12.8, cellSizeMeters: 0.4)
        config.pillarChannels = 8; config.stage1Channels = 8; config.stage2Channels = 8
        config.upsampleChannels = 8; config.headChannels = 8
        var rng = SeededGenerator(seed: 7)
        return try! BEVDetector(network: DetectorNetwork(config: config, using: &rng))
    }()

    static func sweep(seed: UInt64) -> PointCloud {
        var rng = SeededGenerator(seed: seed)
        var cloud = PointCloud()
        for _ in 0..<3000 {
            cloud.append(x: Float.random(in: -12...12, using: &rng), y: Float.random(in: -12...12, using: &rng),
                         z: Float.random(in: -1.5...1, using: &rng), intensity: Float.random(in: 0...1, using: &rng))
        }
        return cloud
    }

    static func observation(_ id: String, seconds: Double, pose: Pose, seed: UInt64) throws -> AgentObservation {
        let points = sweep(seed: seed)
        return AgentObservation(agentID: id, captureTime: Timestamp(seconds: seconds), pose: pose,
                                features: try detector.encode(points, sensorToWorld: pose).map, points: points)
    }

    @Test func intermediateFusionWithNobodyIsTheEgoAlone() throws {
        let ego = try Self.observation("ego", seconds: 1, pose: .identity, seed: 1)
        let alone = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .none)).detect(ego: ego, collaborators: [])
        let fused = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate)).detect(ego: ego, collaborators: [])
        #expect(alone == fused)
        #expect(alone == BoxRefiner().refine(try Self.detector.detect(points: ego.points!), points: ego.points!))
    }

    @Test func earlyFusionRefitsItsBoxesToEveryAgentsReturns() throws {
        let ego = try Self.observation("ego", seconds: 1, pose: .identity, seed: 1)
        let other = try Self.observation("b", seconds: 1, pose: Pose(x: 4, y: -2, z: 0, yaw: 0.4), seed: 3)
        let merged = try EarlyFusion.mergedPoints(ego: ego, collaborators: [other])
        #expect(merged.count == ego.points!.count + other.points!.count)
        let early = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .early)).detect(ego: ego, collaborators: [other])
        let detected = try Self.detector.detect(points: merged)
        #expect(!early.isEmpty)
        #expect(early == BoxRefiner().refine(detected, points: merged))
        #expect(early != BoxRefiner().refine(detected, points: ego.points!))
    }

    @Test func boxesAreRefittedToTheEgosReturnsOnlyWhenAsked() throws {
        // A box-shaped cluster of returns where a detection is planted through late fusion's boxes.
        let car = Box3D(x: 6, y: 2, z: -0.9, l: 4.5, w: 1.8, h: 1.5, yaw: 0.2)
        var points = PointCloud()
        for u in stride(from: -2.25, through: 2.25, by: 0.05) {
            for z in [-1.2, -0.8] {
                points.append(x: Float(car.x + cos(car.yaw) * u + sin(car.yaw) * 0.9), y: Float(car.y + sin(car.yaw) * u - cos(car.yaw) * 0.9),
                              z: Float(z), intensity: 0.5)
            }
        }
        var guess = car
        guess.yaw += 0.15
        guess.score = 0.9
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity, boxes: [guess], points: points)
        let refitted = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late)).detect(ego: ego, collaborators: [])
        let raw = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late, boxRefiner: nil)).detect(ego: ego, collaborators: [])
        #expect(raw == [guess])
        #expect(abs(try #require(refitted.first).yaw - car.yaw) < 0.01)
        var pointless = ego
        pointless.points = nil
        #expect(try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late)).detect(ego: pointless, collaborators: []) == [guess])
        #expect(throws: V2XError.self) {
            try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late, boxRefiner: BoxRefiner(minimumPoints: 1)))
        }
    }

    @Test func boxesTheEgoCannotRefitAdoptTheNearestCollaboratorBox() throws {
        // The collaborator stands 10 m ahead of the ego, turned 90°; it sent one refitted box.
        let collaboratorPose = Pose(x: 10, y: 0, z: 0, yaw: .pi / 2)
        let sentBox = Box3D(x: 2, y: 4, z: -0.9, l: 4.6, w: 1.9, h: 1.5, yaw: 0.25, score: 0.8)
        let collaborator = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 1), pose: collaboratorPose, boxes: [sentBox])
        let inEgoFrame = sentBox.transformed(by: collaboratorPose)
        var fused = inEgoFrame
        fused.x += 0.6; fused.y -= 0.4; fused.l = 4.1; fused.yaw += 0.2; fused.score = 0.55
        let far = Box3D(x: -20, y: 5, z: -0.9, l: 4.4, w: 1.8, h: 1.5, yaw: 0, score: 0.5)
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity, points: PointCloud())

        // (Confirmation, which would raise the score, is off: this is about the geometry.)
        let adopted = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, confirmationFactor: 0))
            .refined([fused, far], ego: ego, collaborators: [collaborator])
        #expect(abs(adopted[0].x - inEgoFrame.x) < 1e-9 && abs(adopted[0].y - inEgoFrame.y) < 1e-9)
        #expect(abs(adopted[0].l - 4.6) < 1e-9 && abs(adopted[0].w - 1.9) < 1e-9 && abs(adopted[0].yaw - inEgoFrame.yaw) < 1e-9)
        #expect(adopted[0].score == 0.55 && adopted[0].z == fused.z)
        #expect(adopted[1] == far)
        // Off: without adoption, outside intermediate fusion, or beyond the gate.
        let off = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, adoptsCollaboratorBoxes: false))
        #expect(off.refined([fused], ego: ego, collaborators: [collaborator]) == [fused])
        let late = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late))
        #expect(late.refined([fused], ego: ego, collaborators: [collaborator]) == [fused])
        let narrow = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, adoptionGateMeters: 0.5, confirmationFactor: 0))
        #expect(narrow.refined([fused], ego: ego, collaborators: [collaborator]) == [fused])
        // The anchors that carry the boxes ride along only when something reads them.
        #expect(FusionSettings(mode: .intermediate).anchorSelection != nil)
        #expect(FusionSettings(mode: .intermediate, adoptsCollaboratorBoxes: false).anchorSelection != nil, "motion compensation reads them")
        #expect(FusionSettings(mode: .intermediate, poseCorrection: nil, motionCompensation: false, adoptsCollaboratorBoxes: false).anchorSelection == nil)
    }

    @Test func fusedBoxesTakeTheirHeightFromTheBoxesDetectedOnSingleMaps() throws {
        // The fused head put a car 0.7 m too low; the ego's own head and a collaborator saw it right.
        let collaboratorPose = Pose(x: 10, y: 0, z: 0.5, yaw: .pi / 2)
        let car = Box3D(x: 8, y: -7.5, z: -0.9, l: 4.4, w: 1.8, h: 1.6, yaw: 0, score: 0.8)
        var fused = car
        fused.x += 0.3; fused.z = -1.6; fused.h = 1.4
        var own = car
        own.x -= 0.2; own.z = -0.95; own.h = 1.55
        let collaborator = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 1), pose: collaboratorPose,
                                            boxes: [car.transformed(by: collaboratorPose.inverse)])
        let noRefit = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, boxRefiner: nil))
        func ego(boxes: [Box3D]) -> AgentObservation {
            AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity, boxes: boxes)
        }
        // The ego's own box first, then the collaborator's (through its pose, height included).
        let fromOwn = try #require(noRefit.refined([fused], ego: ego(boxes: [own]), collaborators: [collaborator]).first)
        #expect(fromOwn.z == own.z && fromOwn.h == own.h && fromOwn.x == fused.x && fromOwn.w == fused.w)
        let fromSent = try #require(noRefit.refined([fused], ego: ego(boxes: []), collaborators: [collaborator]).first)
        #expect(abs(fromSent.z - car.z) < 1e-9 && abs(fromSent.h - car.h) < 1e-9)
        // Nothing within the gate, or another mode: the box keeps its height.
        var far = fused
        far.x += 5
        #expect(noRefit.refined([far], ego: ego(boxes: [own]), collaborators: [collaborator]) == [far])
        let late = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late, boxRefiner: nil))
        #expect(late.refined([fused], ego: ego(boxes: [own]), collaborators: [collaborator]) == [fused])
    }

    @Test func aBoxHoldingTheEgosSensorIsItsOwnCarAndIsDropped() throws {
        // A collaborator 12 m behind saw the ego's car (and one beside it) and sent both.
        let collaboratorPose = Pose(x: -12, y: 0, z: 0, yaw: 0)
        let egoCar = Box3D(x: -0.2, y: 0, z: -0.9, l: 4.5, w: 1.9, h: 1.5, yaw: 0.05, score: 0.85)
        let beside = Box3D(x: 0, y: 3.5, z: -0.9, l: 4.5, w: 1.9, h: 1.5, yaw: 0, score: 0.8)
        let collaborator = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 1), pose: collaboratorPose,
                                            boxes: [egoCar, beside].map { $0.transformed(by: collaboratorPose.inverse) })
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity)
        let late = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late, boxRefiner: nil))
            .detect(ego: ego, collaborators: [collaborator])
        #expect(late.count == 1)
        #expect(abs(try #require(late.first).y - 3.5) < 1e-9)
        #expect(egoCar.footprintContains(x: 0, y: 0) && !beside.footprintContains(x: 0, y: 0))
    }

    @Test func collaboratorBoxesNothingWasFoundNearAreAddedOnceAtHalfTheirScore() throws {
        // Two collaborators saw the same car the fused head missed; one also sent a car the ego found.
        let poseB = Pose(x: 10, y: 0, z: 0, yaw: .pi / 2), poseC = Pose(x: -5, y: 8, z: 0, yaw: 0)
        let missed = Box3D(x: 30, y: -12, z: -0.9, l: 4.5, w: 1.9, h: 1.5, yaw: 0.4, score: 0.8)
        let found = Box3D(x: 12, y: 3, z: -0.9, l: 4.2, w: 1.8, h: 1.5, yaw: 0, score: 0.9)
        let b = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 1), pose: poseB,
                                 boxes: [missed, found].map { $0.transformed(by: poseB.inverse) })
        var missedByC = missed
        missedByC.x += 0.5; missedByC.score = 0.6
        let c = AgentObservation(agentID: "c", captureTime: Timestamp(seconds: 1), pose: poseC,
                                 boxes: [missedByC.transformed(by: poseC.inverse)])
        var fused = found
        fused.x += 0.3; fused.score = 0.7
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity, points: PointCloud())

        let out = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate))
            .refined([fused], ego: ego, collaborators: [b, c])
        #expect(out.count == 2)
        // Adopted; b found the same car on its own map, so its score rises: 1 − 0.3·(1 − 0.5·0.9).
        #expect(abs(out[0].x - found.x) < 1e-9)
        #expect(abs(try #require(out[0].score) - 0.835) < 1e-12)
        #expect(abs(out[1].x - missed.x) < 1e-9 && abs(out[1].y - missed.y) < 1e-9)
        #expect(abs(try #require(out[1].score) - 0.4) < 1e-12)
        let notAdded = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, addsMissedCollaboratorBoxes: false))
        #expect(notAdded.refined([fused], ego: ego, collaborators: [b, c]).count == 1)
        // Senders send more, weaker boxes for adoption; pose correction alone keeps its own anchors.
        let adopting = try #require(FusionSettings(mode: .intermediate).anchorSelection)
        #expect(adopting.maxAnchors == FusionSettings.adoptionAnchorLimit && adopting.minScore == FusionSettings.adoptionAnchorMinScore)
        let correcting = FusionSettings(mode: .intermediate, poseCorrection: BoxAgreementAlignment(), adoptsCollaboratorBoxes: false)
        #expect(correcting.anchorSelection == BoxAgreementAlignment())
    }

    @Test func boxesAreRefittedToTheReturnsCollaboratorsSentInsideThem() throws {
        // A car only collaborators see: b its right side, c its rear. Each sent a partial box
        // (b's 6° off and 0.4 m short, c's 0.3 m off) with the returns inside it.
        let car = Box3D(x: 18, y: -6, z: -0.9, l: 4.6, w: 1.9, h: 1.5, yaw: 0.3, score: 0.8)
        func onCar(_ u: Double, _ v: Double, _ z: Double) -> SIMD3<Double> {
            SIMD3(car.x + cos(car.yaw) * u - sin(car.yaw) * v, car.y + sin(car.yaw) * u + cos(car.yaw) * v, z)
        }
        let side = (0...46).flatMap { k in [-0.9, -0.5].map { onCar(-2.3 + Double(k) / 10, -0.95, $0) } }
        let rear = (0...19).flatMap { k in [-0.9, -0.5].map { onCar(-2.3, -0.95 + Double(k) / 10, $0) } }
        let poseB = Pose(x: 10, y: 0, z: 0, yaw: .pi / 2), poseC = Pose(x: -5, y: 8, z: 0, yaw: 0)
        var seenByB = car
        seenByB.yaw += 0.1; seenByB.l = 4.2
        var seenByC = car
        seenByC.x += 0.3; seenByC.score = 0.6
        func sender(_ id: String, _ pose: Pose, _ box: Box3D, _ returns: [SIMD3<Double>]) -> AgentObservation {
            AgentObservation(agentID: id, captureTime: Timestamp(seconds: 1), pose: pose, boxes: [box.transformed(by: pose.inverse)],
                             boxReturns: [returns.map { pose.inverse.apply($0) }])
        }
        let b = sender("b", poseB, seenByB, side), c = sender("c", poseC, seenByC, rear)
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity, points: PointCloud())
        let detector = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, confirmationFactor: 0))
        func expectOnTheCar(_ box: Box3D?) throws {
            let box = try #require(box)
            #expect(abs(box.yaw - car.yaw) < 0.01 && abs(box.l - car.l) < 0.05 && abs(box.w - car.w) < 0.05, "\(box)")
            #expect(hypot(box.x - car.x, box.y - car.y) < 0.05, "\(box)")
        }
        // The fused head missed it: the box added from b is refitted to both views.
        try expectOnTheCar(detector.refined([], ego: ego, collaborators: [b, c]).first)
        // The fused head found it, badly (short, 0.2 m and 6° off): refitted to both views
        // rather than adopted.
        var fused = car
        fused.yaw -= 0.1; fused.y += 0.2; fused.l = 4.2; fused.score = 0.55
        let refitted = detector.refined([fused], ego: ego, collaborators: [b, c])
        #expect(refitted.count == 1)
        try expectOnTheCar(refitted.first)
        // Without returns, b's box is added as sent; likewise when the senders' poses may
        // misplace the returns by more than 0.1 m (b: 0.05 m + 10 m × 0.4°, c 27 m away).
        var bBare = b, cBare = c
        bBare.boxReturns = []; cBare.boxReturns = []
        var bUnsure = b, cUnsure = c
        bUnsure.poseUncertainty = PoseUncertainty(positionSigmaMeters: 0.05, yawSigmaRadians: 0.4 * .pi / 180)
        cUnsure.poseUncertainty = bUnsure.poseUncertainty
        for senders in [[bBare, cBare], [bUnsure, cUnsure]] {
            let added = try #require(detector.refined([], ego: ego, collaborators: senders).first)
            #expect(abs(added.yaw - seenByB.yaw) < 1e-9 && abs(added.l - seenByB.l) < 1e-9)
        }
        bUnsure.poseUncertainty = PoseUncertainty(positionSigmaMeters: 0.05, yawSigmaRadians: 0)
        cUnsure.poseUncertainty = bUnsure.poseUncertainty
        try expectOnTheCar(detector.refined([], ego: ego, collaborators: [bUnsure, cUnsure]).first)
        // Outside intermediate fusion the returns are not read.
        let late = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .late))
        #expect(late.refined([fused], ego: ego, collaborators: [b, c]) == [fused])
    }

    @Test func aDelayedCollaboratorsMovingCarIsPlacedWhereItIsNow() throws {
        // b's message is 0.3 s old; over its last three sweeps one car drove +x at 10 m/s, one stood.
        let pose = Pose(x: 10, y: 0, z: 0, yaw: .pi / 2)
        func car(_ x: Double, _ y: Double) -> Box3D { Box3D(x: x, y: y, z: -0.9, l: 4.5, w: 1.9, h: 1.5, yaw: 0, score: 0.8) }
        let history = (1...3).map { k in
            BoxSnapshot(captureTime: Timestamp(seconds: 1 - 0.1 * Double(k)), pose: pose,
                        boxes: [car(30 - Double(k), -12), car(20, 6)].map { $0.transformed(by: pose.inverse) })
        }
        let b = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 1), pose: pose,
                                 boxes: [car(30, -12), car(20, 6)].map { $0.transformed(by: pose.inverse) }, history: history)
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1.3), pose: .identity, points: PointCloud())
        let moved = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate))
            .refined([], ego: ego, collaborators: [b])
        #expect(moved.count == 2)
        #expect(moved.contains { abs($0.x - 33) < 1e-6 && abs($0.y + 12) < 1e-6 }, "\(moved)")
        #expect(moved.contains { abs($0.x - 20) < 1e-6 && abs($0.y - 6) < 1e-6 })
        let stale = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, motionCompensation: false))
            .refined([], ego: ego, collaborators: [b])
        #expect(stale.contains { abs($0.x - 30) < 1e-6 && abs($0.y + 12) < 1e-6 })
    }

    /// A real car the fused head scored 0.5 and a ghost it scored 0.6 (ego frame); `seen`: the
    /// car as a collaborator's own head found it (0.8, 0.6 m off), and that collaborator.
    static func carGhostAndWitness() -> (car: Box3D, ghost: Box3D, seen: Box3D, collaborator: AgentObservation) {
        let pose = Pose(x: 20, y: -4, z: 0, yaw: .pi / 3)
        let car = Box3D(x: 15, y: 6, z: -0.9, l: 4.4, w: 1.8, h: 1.5, yaw: 0.2, score: 0.5)
        let ghost = Box3D(x: -9, y: -7, z: -0.9, l: 4.4, w: 1.8, h: 1.5, yaw: 0, score: 0.6)
        var seen = car
        seen.x += 0.6; seen.score = 0.8
        let collaborator = AgentObservation(agentID: "b", captureTime: Timestamp(seconds: 1), pose: pose,
                                            boxes: [seen.transformed(by: pose.inverse)])
        return (car, ghost, seen, collaborator)
    }

    @Test func fusedBoxesThatASingleMapAlsoFoundRankHigher() throws {
        // The fused head scored a real car 0.5 and a ghost 0.6; a collaborator's own head found
        // the car (0.8, 0.6 m off), the ego's own head found nothing.
        let (car, ghost, _, collaborator) = Self.carGhostAndWitness()
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity)
        let settings = FusionSettings(mode: .intermediate, boxRefiner: BoxRefiner(), addsMissedCollaboratorBoxes: false)
        var off = settings
        off.confirmationFactor = 0
        let unconfirmed = try CooperativeDetector(detector: Self.detector, settings: off)
            .refined([ghost, car], ego: ego, collaborators: [collaborator])
        let out = try CooperativeDetector(detector: Self.detector, settings: settings)
            .refined([ghost, car], ego: ego, collaborators: [collaborator])
        #expect(out.count == 2 && unconfirmed.count == 2)
        // Ranked by score: the car rises above the ghost.
        #expect(out[1] == ghost && unconfirmed[0] == ghost)
        let raisedCar: Double = 1 - 0.5 * (1 - 0.5 * 0.8)                                  // 0.7, above the ghost
        #expect(abs(try #require(out[0].score) - raisedCar) < 1e-12)
        var rescored = unconfirmed[1]                                                      // only the score changes
        rescored.score = out[0].score
        #expect(out[0] == rescored && unconfirmed[1].score == car.score)
        // The ego's own single-map box confirms as a collaborator's does.
        var ownGhost = ghost
        ownGhost.score = 0.4
        let egoSaw = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity, boxes: [ownGhost])
        let withOwn = try CooperativeDetector(detector: Self.detector, settings: settings)
            .refined([ghost, car], ego: egoSaw, collaborators: [collaborator])
        let raisedGhost: Double = 1 - 0.4 * (1 - 0.5 * 0.4)                                // 0.68, still below the car
        #expect(abs(try #require(withOwn[1].score) - raisedGhost) < 1e-12)
    }

    @Test func aRescorerScoresTheFinalBoxesFromTheirEvidence() throws {
        // The fused head scored a ghost 0.6, where the ego's rays pass through to a wall behind
        // it, and a real car 0.5, which a collaborator's own head also found (0.8).
        let (car, ghost, seen, collaborator) = Self.carGhostAndWitness()
        var wall = PointCloud()
        for k in 0..<20 { wall.append(x: -18 + Float(k) * 0.05, y: -14, z: -1, intensity: 0) }
        let ego = AgentObservation(agentID: "ego", captureTime: Timestamp(seconds: 1), pose: .identity, points: wall)
        var weights = [Double](repeating: 0, count: BoxEvidence.featureNames.count)
        weights[BoxEvidence.featureNames.firstIndex(of: "score_logit")!] = 1
        weights[BoxEvidence.featureNames.firstIndex(of: "collaborator_support")!] = 2
        weights[BoxEvidence.featureNames.firstIndex(of: "log_rays_through")!] = -1
        let rescorer = try BoxRescorer(weights: weights)
        let settings = FusionSettings(mode: .intermediate, addsMissedCollaboratorBoxes: false, rescorer: rescorer)
        let found = try CooperativeDetector(detector: Self.detector, settings: settings).refinedWithEvidence([ghost, car], ego: ego, collaborators: [collaborator])
        #expect(found.count == 2)
        let (first, second) = (found[0], found[1])
        let carEvidence = try #require(first.evidence), ghostEvidence = try #require(second.evidence)
        // The car (adopted at the collaborator's box) now ranks first.
        #expect(abs(first.box.x - seen.x) < 1e-9 && carEvidence.collaboratorSupport == 0.8 && carEvidence.collaboratorWitnesses == 1)
        #expect(ghostEvidence.raysThrough == 20 && ghostEvidence.collaboratorWitnesses == 0 && !ghostEvidence.added)
        #expect(abs(try #require(first.box.score) - 1 / (1 + exp(-2 * 0.8))) < 1e-12)
        #expect(abs(try #require(second.box.score) - rescorer.score(ghostEvidence)) < 1e-12)
        #expect(try #require(second.box.score) < 0.1)
        // `refined` gives the same boxes; without a rescorer they are confirmed instead.
        #expect(try CooperativeDetector(detector: Self.detector, settings: settings).refined([ghost, car], ego: ego, collaborators: [collaborator]) == found.map(\.box))
        var confirming = settings
        confirming.rescorer = nil
        let confirmed = try CooperativeDetector(detector: Self.detector, settings: confirming).refinedWithEvidence([ghost, car], ego: ego, collaborators: [collaborator])
        #expect(confirmed.map(\.evidence) == [carEvidence, ghostEvidence])
        #expect(confirmed[1].box.score == ghost.score)
    }

    @Test func aStaleCollaboratorFadesUnderTrustButNotWithout() throws {
        let ego = try Self.observation("ego", seconds: 10, pose: .identity, seed: 1)
        let stale = try Self.observation("b", seconds: 5, pose: Pose(x: 3, y: 1, z: 0, yaw: 0.3), seed: 2)
        let trusted = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, fusionOperator: .max))
        let untrusted = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, fusionOperator: .max, trust: nil))
        let egoMap = ego.features!
        // Five seconds old: trust weight e^{−(8·5)²/(2·1.6²)} ≈ 0, so the ego's map is unchanged.
        #expect(try trusted.fuseFeatures(ego: ego, collaborators: [stale]).map == egoMap)
        #expect(try untrusted.fuseFeatures(ego: ego, collaborators: [stale]).map != egoMap)
    }

    @Test func selectionFillsWhatTheEgoIsUnsureOfFromAConfidentCollaborator() throws {
        var ego = try Self.observation("ego", seconds: 1, pose: .identity, seed: 1)
        var other = try Self.observation("b", seconds: 1, pose: .identity, seed: 2)
        let cells = ego.features!.height * ego.features!.width
        ego.confidence = [Float](repeating: 0.2, count: cells)
        other.confidence = [Float](repeating: 0.9, count: cells)
        let select = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate, fusionOperator: .select))
        // Same pose, collaborator more confident everywhere: its map replaces the ego's.
        let filled = try select.fuseFeatures(ego: ego, collaborators: [other]).map
        #expect(zip(filled.values, other.features!.values).allSatisfy { abs($0 - $1) < 1e-4 })
        ego.confidence = [Float](repeating: 0.95, count: cells)
        #expect(try select.fuseFeatures(ego: ego, collaborators: [other]).map == ego.features!)
    }

    @Test func everyModeRunsAndMissingInputsAreTypedErrors() throws {
        let ego = try Self.observation("ego", seconds: 1, pose: .identity, seed: 1)
        let other = try Self.observation("b", seconds: 1, pose: Pose(x: 4, y: 0, z: 0, yaw: 0), seed: 2)
        for mode in FusionMode.allCases {
            _ = try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: mode)).detect(ego: ego, collaborators: [other])
        }
        var bare = other
        bare.features = nil; bare.points = nil
        #expect(throws: V2XError.self) {
            try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate)).detect(ego: ego, collaborators: [bare])
        }
        #expect(throws: V2XError.self) {
            try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .early)).detect(ego: ego, collaborators: [bare])
        }
        var wrong = other
        wrong.features = FeatureMap(height: 32, width: 32, channels: 3)
        #expect(throws: V2XError.self) {
            try CooperativeDetector(detector: Self.detector, settings: FusionSettings(mode: .intermediate)).detect(ego: ego, collaborators: [wrong])
        }
    }
}
