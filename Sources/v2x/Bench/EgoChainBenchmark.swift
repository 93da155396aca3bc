import Comm
import Foundation
import Fusion
import Metrics
import Perception
import Scenario
import V2XCore

/// The ego's receiving chain with N − 1 collaborators, timed per stage on real frames:
/// verify (signature, replay window, age) → decode (codebook) → align (pose correction) →
/// warp + fuse → detect →
/// refine (boxes refitted to the ego's returns, collaborators' anchor boxes adopted where
/// the ego has too few). With `delayFrames`, each message is that many frames older than the
/// ego's sweep and reaches fusion through a `CollaboratorInbox`, as in a node, with the
/// boxes of the sender's earlier messages (motion compensation).
/// Collaborators' messages are built beforehand exactly as nodes build them (int8 encoder
/// and head when calibrated, selection, codebook, signing), so only the ego's work is timed;
/// the ego detects with the fused-map head, as a node does. When the
/// scenario has fewer collaborators than asked, the extra ones replay an existing agent's
/// sweep under their own id and key (said in the output).
struct EgoChainBenchmark {
    /// The single-agent detector (collaborators' confidence maps).
    let detector: BEVDetector
    /// The head for fused maps; `detector` when the model has none.
    let fusionHead: BEVDetector
    let encoder: any FeatureEncoder
    let precision: String
    let codebook: FeatureCodebook
    /// The model folder's box rescorer, as the stack runs it (`nil` when it has none).
    let rescorer: BoxRescorer?
    let source: any ScenarioSource
    let agents: Int
    let frames: Int
    /// How many frames older than the ego's sweep the fused messages are.
    let delayFrames: Int

    func run() throws {
        let egoID = try GroundTruthExporter.defaultEgoID(of: source)
        let others = source.agentIDs.filter { $0 != egoID }
        guard !others.isEmpty else { throw V2XError(.invalidArgument, "the scenario has no collaborator for the ego \(egoID)") }
        let senders = (0..<(agents - 1)).map { i in (id: i < others.count ? others[i] : "\(others[i % others.count])-replay\(i)", sweepOf: others[i % others.count]) }
        let keys = try LaunchKeys.generate(agentIDs: senders.map(\.id))
        let identities = Dictionary(uniqueKeysWithValues: keys.identities.map { ($0.agentID, $0) })
        var gate = try MessageGate(keyring: keys.keyring, policy: .init(acceptedCodebookHashes: [codebook.hash]))
        let fuser = try CooperativeDetector(detector: detector, fusionHead: fusionHead, settings: FusionSettings(mode: .intermediate, rescorer: rescorer))
        let grid = detector.config.featureGrid
        let selector = try CellSelector(threshold: CellSelector.defaultThreshold, budgetBytes: CellSelector.defaultBudgetBytes)
        print("ego \(egoID) with \(senders.count) collaborators: \(senders.map { $0.id == $0.sweepOf ? $0.id : "\($0.id) (sweep of \($0.sweepOf))" }.joined(separator: ", "))")
        print("\(precision) encoders and heads, codebook \(codebook.id), threshold \(selector.threshold), budget \(selector.budgetBytes) B, \(fuser.settings.fusionOperator.rawValue) + trust, motion compensation, boxes refitted, adopted and added\(rescorer == nil ? "" : ", rescored"); messages \(delayFrames * 100) ms old; \(frames) frames after 2 warm-up")

        var records: [LatencyRecord] = []
        var bytes = 0, messages = 0
        var inbox = try CollaboratorInbox(maxAgeSeconds: 0.5)
        var sentByFrame: [[[UInt8]]] = []
        let warmUp = 2 + delayFrames
        let frameCount = min(frames + warmUp, source.frameIDs.count)
        for index in 0..<frameCount {
            let frame = try source.frame(at: index)
            guard let egoFrame = frame.agents.first(where: { $0.agentID == egoID }) else { continue }
            let egoAlignment = HeadingAlignment(lidarPose: egoFrame.lidarPose)
            let egoPoints = egoAlignment.shared(egoFrame.points)
            let egoFeatures = try encoder.encode(egoPoints, sensorToWorld: egoAlignment.sharedToWorld)
            // As a node, before its receiving chain: its own head's boxes, refitted (levelling,
            // confirmation and pose correction read them).
            let egoHead = try detector.headOutput(egoFeatures)
            let egoConfidence = try detector.confidenceMap(headOutput: egoHead).values
            let egoDecoded = try detector.decoder.decode(egoHead)
            let egoBoxes = fuser.settings.boxRefiner.map { $0.refine(egoDecoded, points: egoPoints) } ?? egoDecoded
            var wire: [[UInt8]] = []
            for sender in senders {
                guard let agent = frame.agents.first(where: { $0.agentID == sender.sweepOf }), let identity = identities[sender.id] else { continue }
                let alignment = HeadingAlignment(lidarPose: agent.lidarPose)
                let points = alignment.shared(agent.points)
                let features = try encoder.encode(points, sensorToWorld: alignment.sharedToWorld)
                let messageEncoder = try BEVMessageEncoder(codebook: codebook, selector: selector, identity: identity, grid: grid, agentKind: .vehicle)
                let head = try detector.headOutput(features)
                // As a node: its own boxes refitted, the confident ones sent as anchors with their returns.
                let decoded = try detector.decoder.decode(head)
                let ownBoxes = fuser.settings.boxRefiner.map { $0.refine(decoded, points: points) } ?? decoded
                let anchors = fuser.settings.anchorSelection?.anchors(from: ownBoxes) ?? []
                let returns = fuser.settings.boxRefiner?.codedReturns(of: anchors, points: points, limit: fuser.settings.sentReturnsPerBox) ?? []
                let out = try messageEncoder.encode(
                    features: features.map, confidence: detector.confidenceMap(headOutput: head).values,
                    frame: .init(sequence: UInt64(index + 1), captureTime: agent.timestamp, sendTime: agent.timestamp, pose: alignment.sharedToWorld,
                                 boxes: anchors, boxReturns: returns))
                wire.append(out.bytes)
            }
            sentByFrame.append(wire)
            guard index >= delayFrames else { continue }
            wire = sentByFrame[index - delayFrames]
            // The timed chain.
            let t0 = DispatchTime.now().uptimeNanoseconds
            var admitted: [BEVMessage] = []
            for message in wire {
                if case .accepted(let m) = gate.admit(message, now: egoFrame.timestamp) { admitted.append(m) }
            }
            let t1 = DispatchTime.now().uptimeNanoseconds
            for message in admitted { inbox.insert(message) }
            let received = try inbox.collect(for: egoFrame.timestamp).map {
                try AgentObservation(message: $0.message, codebook: codebook, history: $0.history)
            }
            let t2 = DispatchTime.now().uptimeNanoseconds
            let ego = AgentObservation(agentID: egoID, captureTime: egoFrame.timestamp, pose: egoAlignment.sharedToWorld,
                                       features: egoFeatures.map, confidence: egoConfidence, boxes: egoBoxes, points: egoPoints)
            let collaborators = fuser.aligned(received, to: ego)
            let tAligned = DispatchTime.now().uptimeNanoseconds
            let fused = try fuser.fuseFeatures(ego: ego, collaborators: collaborators)
            let t3 = DispatchTime.now().uptimeNanoseconds
            let boxes = try fusionHead.detect(fused)
            let t4 = DispatchTime.now().uptimeNanoseconds
            _ = fuser.refined(boxes, ego: ego, collaborators: collaborators)
            let t5 = DispatchTime.now().uptimeNanoseconds
            guard index >= warmUp else { continue }
            guard admitted.count == wire.count else {
                throw V2XError(.rejectedMessage, "the gate rejected \(wire.count - admitted.count) of \(wire.count) benchmark messages: \(gate.rejections)")
            }
            bytes += wire.reduce(0) { $0 + $1.count }
            messages += wire.count
            let id = frame.frameID
            for (stage, start, end) in [("verify", t0, t1), ("decode", t1, t2), ("align", t2, tAligned), ("warp+fuse", tAligned, t3), ("detect", t3, t4), ("refine", t4, t5), ("total", t0, t5)] {
                records.append(LatencyRecord(agent: egoID, stage: stage, frame: id, nanoseconds: Int64(end - start)))
            }
        }
        guard messages > 0 else { throw V2XError(.invalidArgument, "no frame was timed (the scenario has \(source.frameIDs.count) frames)") }
        print("messages: \(messages), \(bytes / messages) B each")
        print("stage         p50 ms   p95 ms   p99 ms")
        for stage in LatencySummary(records: records).stages {
            let name = stage.name.padding(toLength: 10, withPad: " ", startingAt: 0)
            print(name + String(format: " %8.2f %8.2f %8.2f", stage.summary.p50Milliseconds, stage.summary.p95Milliseconds, stage.summary.p99Milliseconds))
        }
        print("target: total median ≤ 25 ms (ego and 4 collaborators)")
    }
}
