import Comm
import Foundation
import Perception
import Scenario
import V2XCore

/// The whole stack in one process, frame by frame: every agent encodes its sweep (fp32 or
/// int8), builds what it would send, and the ego fuses what each setting lets it see.
///
/// Several settings run over the same encoder outputs, so a results table across fusion
/// modes, delays and pose noise costs one encode per agent and frame. Delay is applied on
/// the scenario clock: a collaborator contributes its newest frame captured at least
/// `delaySeconds` before the ego's sweep (as a message that took that long to arrive would).
/// Every agent works in its heading-free frame (`HeadingAlignment`); the ego's boxes are
/// turned back into its LiDAR frame at the end. Frames must be fed in order.
public struct CooperativeReplay {
    /// What one setting produced for one ego frame.
    public struct FrameResult: Sendable {
        public var boxes: [Box3D]
        /// Bytes of each collaborator message the ego used this frame.
        public var messageBytes: [Int]
        /// Fraction of grid cells carried by each coded message (empty for other payloads).
        public var fractionsSent: [Double]
        /// Parallel to `boxes` when the evidence was asked for: what each box was (or would be)
        /// rescored from (`CooperativeDetector.detectWithEvidence`); empty otherwise.
        public var evidence: [BoxEvidence?] = []
    }

    public let detector: BEVDetector
    /// The head trained on fused maps, for intermediate fusion; `nil` = the detector's own.
    public let fusionHead: BEVDetector?
    public let int8Encoder: (any FeatureEncoder)?
    /// `detector` and `fusionHead` with their heads in int8 (`Int8Head`), for `.int8` settings.
    let int8Detectors: (detector: BEVDetector, fusionHead: BEVDetector?)?
    public let codebook: FeatureCodebook?
    public let selector: CellSelector
    /// Refits every agent's own boxes to its returns (what it sends as late-fusion boxes or
    /// anchors); `nil` = the head's boxes.
    public let boxRefiner: BoxRefiner?
    /// Seed of the pose noise.
    public let seed: UInt64
    let identities: [String: SigningIdentity]
    /// Encodings kept per agent, newest last, for delayed collaborators and TCLF.
    var history: [EncoderPrecision: [String: [AgentEncoding]]] = [:]

    /// - Parameters:
    ///   - int8Encoder: needed by settings with `.int8` precision, which also run the heads in int8.
    ///   - codebook: needed by settings with `.codedFeatures` payload.
    ///   - agentIDs: every agent that may send (their signing keys are made per run).
    /// - Throws: `V2XError.nonFiniteValue` when a head cannot be quantized, `.invalidArgument`
    ///   for invalid refiner settings.
    public init(detector: BEVDetector, fusionHead: BEVDetector? = nil, int8Encoder: (any FeatureEncoder)?, codebook: FeatureCodebook?,
                selector: CellSelector, agentIDs: [String], boxRefiner: BoxRefiner? = BoxRefiner(), seed: UInt64 = 1) throws {
        try boxRefiner?.validate()
        self.detector = detector; self.fusionHead = fusionHead; self.int8Encoder = int8Encoder; self.codebook = codebook
        self.boxRefiner = boxRefiner
        int8Detectors = int8Encoder == nil ? nil : (try detector.withInt8Head(), try fusionHead?.withInt8Head())
        self.selector = selector; self.seed = seed
        identities = Dictionary(uniqueKeysWithValues: agentIDs.map { ($0, SigningIdentity.generate(agentID: $0)) })
    }

    /// Runs every setting on one frame: `ingest`, then each setting's `observations` through
    /// its `CooperativeDetector` (with `gathersEvidence`, its `detectWithEvidence`).
    /// - Throws: `V2XError.invalidArgument` when a setting needs an int8 encoder or codebook
    ///   that was not given, or the ego is not in the frame; what the stages throw otherwise.
    public mutating func process(_ frame: ScenarioFrame, egoID: String, settings: [ReplaySetting], gathersEvidence: Bool = false) throws -> [FrameResult] {
        guard frame.agents.contains(where: { $0.agentID == egoID }) else {
            throw V2XError(.invalidArgument, "ego '\(egoID)' is not in frame \(frame.frameID)")
        }
        try ingest(frame, settings: settings)
        return try settings.map { setting in
            let (ego, collaborators, bytes, fractions) = try observations(setting, egoID: egoID)
            let heads = try detectors(for: setting.precision)
            let fusion = try CooperativeDetector(detector: heads.detector, fusionHead: heads.fusionHead, settings: setting.fusion)
            let alignment = history[setting.precision]?[egoID]?.last?.alignment ?? HeadingAlignment(lidarPose: .identity)
            guard gathersEvidence else {
                let boxes = try fusion.detect(ego: ego, collaborators: collaborators)
                return FrameResult(boxes: alignment.lidar(boxes), messageBytes: bytes, fractionsSent: fractions)
            }
            let found = try fusion.detectWithEvidence(ego: ego, collaborators: collaborators)
            return FrameResult(boxes: alignment.lidar(found.map(\.box)), messageBytes: bytes, fractionsSent: fractions, evidence: found.map(\.evidence))
        }
    }

    /// Encodes every agent of `frame` at each precision `settings` use (and codes it at each
    /// budget coded settings use), and forgets what no setting can reach any more.
    public mutating func ingest(_ frame: ScenarioFrame, settings: [ReplaySetting]) throws {
        let maxDelay = settings.map(\.delaySeconds).max() ?? 0
        for precision in Set(settings.map(\.precision)) {
            let variants = Set(settings.filter { $0.precision == precision && $0.payload == .codedFeatures }.map(codedVariant))
            for agent in frame.agents {
                var encoding = try encode(agent, frameIndex: frame.index, precision: precision)
                for variant in variants { encoding.coded[variant] = try code(encoding, variant) }
                history[precision, default: [:]][agent.agentID, default: []].append(encoding)
            }
            evict(precision: precision, present: Set(frame.agents.map(\.agentID)), now: frame.agents[0].timestamp, keepingSeconds: maxDelay)
        }
    }

    // MARK: Per agent

    func encode(_ agent: AgentFrame, frameIndex: Int, precision: EncoderPrecision) throws -> AgentEncoding {
        let encoder: any FeatureEncoder
        switch precision {
        case .fp32: encoder = detector
        case .int8:
            guard let int8Encoder else { throw V2XError(.invalidArgument, "int8 precision needs the int8 encoder (run `v2x quantize`)") }
            encoder = int8Encoder
        }
        let alignment = HeadingAlignment(lidarPose: agent.lidarPose)
        let points = alignment.shared(agent.points)
        let features = try encoder.encode(points, sensorToWorld: alignment.sharedToWorld)
        let ownDetector = try detectors(for: precision).detector
        let head = try ownDetector.headOutput(features)
        let boxes = try ownDetector.decoder.decode(head)
        return AgentEncoding(
            agentID: agent.agentID, frameIndex: frameIndex, captureTime: agent.timestamp, alignment: alignment,
            pose: alignment.sharedToWorld, points: points, features: features.map,
            confidence: ownDetector.confidenceMap(headOutput: head).values,
            boxes: boxRefiner.map { $0.refine(boxes, points: points) } ?? boxes, coded: [:])
    }

    /// The single-agent detector and the fused-map head a precision runs.
    /// - Throws: `V2XError.invalidArgument` for `.int8` without the int8 encoder.
    func detectors(for precision: EncoderPrecision) throws -> (detector: BEVDetector, fusionHead: BEVDetector?) {
        switch precision {
        case .fp32: return (detector, fusionHead)
        case .int8:
            guard let int8Detectors else { throw V2XError(.invalidArgument, "int8 precision needs the int8 encoder (run `v2x quantize`)") }
            return int8Detectors
        }
    }

    /// The coded message a setting reads.
    func codedVariant(_ setting: ReplaySetting) -> CodedVariant {
        CodedVariant(budgetBytes: setting.budgetBytes ?? selector.budgetBytes, anchorsFor: setting.fusion.anchorSelection,
                     returnsPerBox: setting.fusion.sentReturnsPerBox)
    }

    func code(_ encoding: AgentEncoding, _ variant: CodedVariant) throws -> CodedMessage {
        guard let codebook else { throw V2XError(.invalidArgument, "coded features need a codebook (run `v2x codebook`)") }
        let encoder = try BEVMessageEncoder(
            codebook: codebook, selector: CellSelector(threshold: selector.threshold, budgetBytes: variant.budgetBytes),
            identity: identity(encoding.agentID), grid: detector.config.featureGrid, agentKind: .vehicle)
        let anchors = variant.anchorsFor?.anchors(from: encoding.boxes) ?? []
        let out = try encoder.encode(
            features: encoding.features, confidence: encoding.confidence,
            frame: .init(sequence: UInt64(encoding.frameIndex + 1), captureTime: encoding.captureTime,
                         sendTime: encoding.captureTime, pose: encoding.pose, boxes: anchors,
                         boxReturns: boxRefiner?.codedReturns(of: anchors, points: encoding.points, limit: variant.returnsPerBox) ?? []))
        let (features, sent) = try out.message.decodeFeatures(with: codebook)
        return CodedMessage(byteCount: out.bytes.count, fractionSent: out.selection.fractionSent,
                            features: features, sentMask: sent, confidence: out.message.confidenceMap, boxes: out.message.boxes,
                            boxReturns: zip(out.message.boxReturns, out.message.boxes).map { $0.points(in: $1) })
    }


    func identity(_ agentID: String) -> SigningIdentity {
        identities[agentID] ?? SigningIdentity.generate(agentID: agentID)
    }

    /// Earlier frames of a sender the ego keeps for time and motion compensation
    /// (`TrackedVelocity.maxSteps`).
    static let historyFrames = TrackedVelocity().maxSteps

    /// Drops encodings no setting can reach any more: agents that left the scenario, and
    /// frames older than the largest delay plus the `historyFrames` a message's history holds.
    mutating func evict(precision: EncoderPrecision, present: Set<String>, now: Timestamp, keepingSeconds: Double) {
        for (agent, frames) in history[precision] ?? [:] {
            guard present.contains(agent) else { history[precision]?[agent] = nil; continue }
            guard let newestUsable = frames.lastIndex(where: { now.seconds(since: $0.captureTime) >= keepingSeconds - 1e-3 }) else { continue }
            let keepFrom = max(0, newestUsable - Self.historyFrames)
            if keepFrom > 0 { history[precision]?[agent] = Array(frames[keepFrom...]) }
        }
    }

    // MARK: Per setting

    /// What the ego sees under `setting` for the newest ingested frame: its own observation,
    /// each collaborator's (delayed, noisy, as its payload carries it), and the bytes and cell
    /// fractions of the messages used.
    public func observations(_ setting: ReplaySetting, egoID: String) throws
        -> (ego: AgentObservation, collaborators: [AgentObservation], messageBytes: [Int], fractionsSent: [Double]) {
        let agents = history[setting.precision] ?? [:]
        guard let ego = agents[egoID]?.last else { throw V2XError(.invalidArgument, "ego '\(egoID)' has no encoding") }
        let egoObservation = AgentObservation(
            agentID: egoID, captureTime: ego.captureTime, pose: ego.pose,
            features: ego.features, confidence: ego.confidence, boxes: ego.boxes, points: ego.points)
        var collaborators: [AgentObservation] = []
        var bytes: [Int] = [], fractions: [Double] = []
        if setting.payload != .nothing {
            for (agentID, frames) in agents.sorted(by: { $0.key < $1.key }) where agentID != egoID {
                // The newest frame old enough for this delay (1 ms tolerance for clock rounding).
                guard let index = frames.lastIndex(where: {
                    ego.captureTime.seconds(since: $0.captureTime) >= setting.delaySeconds - 1e-3
                }) else { continue }
                let sent = frames[index]
                var observation = AgentObservation(
                    agentID: agentID, captureTime: sent.captureTime,
                    pose: noisyPose(sent, setting.poseNoise), poseUncertainty: setting.poseNoise.uncertainty)
                switch setting.payload {
                case .nothing: continue
                case .boxes:
                    observation.boxes = sent.boxes
                    if index > 0 {
                        let before = frames[index - 1]
                        observation.history = [BoxSnapshot(captureTime: before.captureTime, pose: noisyPose(before, setting.poseNoise), boxes: before.boxes)]
                    }
                    bytes.append(try boxMessageBytes(sent, boxes: sent.boxes))
                case .points:
                    observation.points = sent.points
                    bytes.append(sent.points.count * 16)
                case .denseFeatures:
                    observation.features = sent.features
                    observation.confidence = sent.confidence
                    var size = (sent.features.values.count + sent.confidence.count) * MemoryLayout<Float>.size
                    if let anchors = setting.fusion.anchorSelection {
                        observation.boxes = anchors.anchors(from: sent.boxes)
                        let returns = boxRefiner?.codedReturns(of: observation.boxes, points: sent.points, limit: setting.fusion.sentReturnsPerBox) ?? []
                        observation.boxReturns = zip(returns, observation.boxes).map { $0.points(in: $1) }
                        size += try boxMessageBytes(sent, boxes: observation.boxes, returns: returns) - boxMessageBytes(sent, boxes: [])
                    }
                    bytes.append(size)
                case .codedFeatures:
                    guard let coded = sent.coded[codedVariant(setting)] else {
                        throw V2XError(.invalidArgument, "frame of '\(agentID)' was not coded for this setting")
                    }
                    observation.features = coded.features
                    observation.sentMask = coded.sentMask
                    observation.confidence = coded.confidence
                    observation.boxes = coded.boxes
                    observation.boxReturns = coded.boxReturns
                    bytes.append(coded.byteCount)
                    fractions.append(coded.fractionSent)
                }
                if setting.fusion.motionCompensation, let anchors = setting.fusion.anchorSelection,
                   [.denseFeatures, .codedFeatures].contains(setting.payload) {
                    // The boxes of the sender's earlier messages, newest first, as the ego kept them.
                    observation.history = frames[max(0, index - Self.historyFrames)..<index].reversed().map { earlier in
                        let boxes = setting.payload == .codedFeatures
                            ? earlier.coded[codedVariant(setting)]?.boxes ?? [] : anchors.anchors(from: earlier.boxes)
                        return BoxSnapshot(captureTime: earlier.captureTime, pose: noisyPose(earlier, setting.poseNoise), boxes: boxes)
                    }
                }
                collaborators.append(observation)
            }
        }
        return (egoObservation, collaborators, bytes, fractions)
    }

    func noisyPose(_ encoding: AgentEncoding, _ noise: PoseNoise) -> Pose {
        noise.perturb(encoding.pose, seed: seed, agentID: encoding.agentID, frameIndex: encoding.frameIndex)
    }

    /// The signed size of a message with `boxes` (and the `returns` inside them) and no feature
    /// cells (late fusion's).
    func boxMessageBytes(_ encoding: AgentEncoding, boxes: [Box3D], returns: [BoxReturns] = []) throws -> Int {
        let reference = codebook?.reference ?? CodebookReference(
            modelID: "none", codebookID: "none", hash: [UInt8](repeating: 0, count: 32), codeBits: 1, codesPerCell: 1)
        let message = BEVMessage(
            agentID: encoding.agentID, agentKind: .vehicle, sequence: UInt64(encoding.frameIndex + 1),
            captureTime: encoding.captureTime, sendTime: encoding.captureTime, pose: encoding.pose,
            grid: detector.config.featureGrid, channels: detector.config.featureChannels, codebook: reference,
            cellIndices: [], codes: [], boxes: boxes, boxReturns: returns)
        return try identity(encoding.agentID).seal(message).count
    }
}
