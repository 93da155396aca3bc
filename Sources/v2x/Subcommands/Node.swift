import ArgumentParser
import Comm
import Foundation
import Fusion
import Logging
import Metrics
import Perception
import Scenario
import V2XCore

/// `v2x node`: one agent of a launch as a process.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run one agent of a launch: perceive, select, code, sign and publish each sweep; the ego also fuses.",
        discussion: """
            Reads the agent's own LiDAR stream from the launch's scenario, paced at the sensor rate \
            × speed from --start-at. Every node publishes signed codebook messages over ZeroMQ with \
            its per-link emulation; the ego subscribes to the others, admits their messages through \
            the gate, waits up to its deadline, fuses and appends a line per frame to \
            OUT/detections.jsonl. Every node writes OUT/latency.jsonl, OUT/messages.jsonl and, when \
            it ends, OUT/node-stats.json (frames, drops and rejections by reason). SIGINT/SIGTERM \
            finish the current frame, flush and exit 0. `v2x launch` starts one node per agent.
            """
    )

    @Option(help: "Launch file (YAML).")
    var launch: String

    @Option(help: "This node's agent id (one of the launch file's agents).")
    var agent: String

    @Option(help: "Folder with keyring.json and <agent>.key.pem (v2x keygen).")
    var keys: String

    @Option(help: "Folder for this node's outputs.")
    var out: String

    @Option(help: "Scenario folder; overrides the launch file's `scenario`.")
    var scenario: String?

    @Option(help: "Common start time of the launch, UNIX epoch nanoseconds (default: 2 s from now).")
    var startAt: Int64?

    @Option(help: "Process only the first N frames.")
    var frames: Int?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let stop = NodeStopSignal()
        let startWall = Timestamp(nanoseconds: startAt ?? WallClock.now().nanoseconds + 2_000_000_000)
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1") }

        let launchFile = try LaunchFile.load(from: URL(fileURLWithPath: launch))
        let me = try launchFile.agent(agent)
        let scenarioURL = try scenario.map { URL(fileURLWithPath: $0) }
            ?? launchFile.scenario.map(Self.projectURL) ?? Replay.defaultScenario(logger: logger)
        let source = try ScenarioLoader.open(scenarioURL)
        for entry in launchFile.agents where !source.agentIDs.contains(entry.id) {
            throw V2XError(.notFound, "launch agent '\(entry.id)' is not in scenario \(source.name) (agents: \(source.agentIDs.joined(separator: ", ")))")
        }
        let egoID = try launchFile.ego ?? GroundTruthExporter.defaultEgoID(of: source)
        let isEgo = agent == egoID

        let keyDirectory = URL(fileURLWithPath: keys, isDirectory: true)
        let identity = try SigningIdentity.load(agentID: agent, from: LaunchKeys.privateKeyURL(agentID: agent, in: keyDirectory))
        let modelDirectory = Self.projectURL(launchFile.model)
        var detector = try BEVDetector.load(from: modelDirectory)
        let encoder = try Self.featureEncoder(launchFile.precision, detector: detector, modelDirectory: modelDirectory)
        // An int8 node runs its heads (own confidence and boxes; the ego's fused-map head) in int8 too.
        if launchFile.precision == .int8 { detector = try detector.withInt8Head() }
        let codebook = try FeatureCodebook.load(base: Self.projectURL(launchFile.codebook))
        let frameSource = try NodeFrames(
            source: source, agentID: agent, rateHz: launchFile.rateHz,
            vehicleUncertainty: Self.reportedPoseUncertainty(of: scenarioURL))
        let kind: BEVMessage.SenderKind = frameSource.kind == .vehicle ? .vehicle : .roadsideUnit
        let messageEncoder = try BEVMessageEncoder(
            codebook: codebook, selector: launchFile.cellSelector(), identity: identity,
            grid: detector.config.featureGrid, agentKind: kind)

        let context = try ZMQContext()
        let publisher = try AgentPublisher(context: context, agentID: agent, bindTo: me.endpoint)
        let peers = launchFile.agents.filter { $0.id != agent }
        var links: [String: LinkProfile] = [:]
        for peer in peers { links[peer.id] = try launchFile.linkProfile(from: agent, to: peer.id) }
        var role: EgoRole?
        if isEgo {
            var egoSettings = launchFile.fusionSettings
            if launchFile.fusion.rescore { egoSettings.rescorer = try BoxRescorer.load(from: modelDirectory) }
            let subscriber = try AgentSubscriber(context: context, agentID: agent)
            for peer in peers { try subscriber.connect(to: peer.endpoint) }
            let keyring = try Keyring.load(from: keyDirectory.appendingPathComponent(LaunchKeys.keyringFileName))
            let policy = MessageGate.Policy(
                maxAgeSeconds: launchFile.maxAgeSeconds + launchFile.deadlineSeconds, acceptedCodebookHashes: [codebook.hash])
            role = EgoRole(
                subscriber: subscriber, gate: try MessageGate(keyring: keyring, policy: policy),
                inbox: try CollaboratorInbox(maxAgeSeconds: launchFile.maxAgeSeconds),
                fusion: try CooperativeDetector(
                    detector: detector, fusionHead: detector.loadingFusionHead(from: modelDirectory), settings: egoSettings),
                codebook: codebook, collaborators: peers.map(\.id), deadlineSeconds: launchFile.deadlineSeconds,
                currentWindowSeconds: 0.5 / launchFile.rateHz)
        }
        let node = AgentNode(
            agentID: agent, perception: NodePerception(encoder: encoder, detector: detector, boxRefiner: launchFile.fusionSettings.boxRefiner),
            messageEncoder: messageEncoder, publisher: publisher, links: links, ego: role)
        // Late fusion needs every box; pose correction and motion compensation the confident few; otherwise none ride along.
        if launchFile.fusion.mode == .late {
            node.boxSharing = .all
        } else {
            node.boxSharing = launchFile.fusionSettings.anchorSelection.map { .anchors($0) } ?? .none
            node.returnsPerBox = launchFile.fusionSettings.sentReturnsPerBox
        }
        let outputs = try NodeOutputs(directory: URL(fileURLWithPath: out, isDirectory: true), agentID: agent, scenario: source.name, isEgo: isEgo)
        let clock = try ScenarioClock(wallStart: startWall, scenarioStart: frameSource.origin, speed: launchFile.speed)

        logger.info("node \(agent)\(isEgo ? " (ego, \(launchFile.fusion.mode.rawValue) fusion)" : "") on \(me.endpoint), \(frames ?? source.frameIDs.count) frames of \(source.name) at \(launchFile.rateHz) Hz × \(launchFile.speed)")
        let summary = try node.run(source: frameSource, clock: clock, frameLimit: frames, shouldStop: { stop.isSet }) { report in
            try outputs.append(report, ego: isEgo ? egoID : nil)
            if report.skippedBefore > 0 { logger.debug("node \(agent): behind the sensor, skipped \(report.skippedBefore) frame(s) before \(report.frameID)") }
        }
        try outputs.writeSummary(summary)
        logger.info("node \(agent) \(summary.ending): \(summary.framesProcessed) frames, \(summary.framesSkipped) skipped, \(summary.messagesSent) sent\(isEgo ? ", \(summary.messagesAccepted) accepted, \(summary.messagesRejected.values.reduce(0, +)) rejected" : "")")
    }

    /// The feature encoder of a precision: the model itself, or its int8 encoder from
    /// `calibration/<model name>/int8.json`.
    /// - Throws: `V2XError` naming a missing or mismatched calibration table.
    static func featureEncoder(_ precision: EncoderPrecision, detector: BEVDetector, modelDirectory: URL) throws -> any FeatureEncoder {
        switch precision {
        case .fp32: return detector
        case .int8:
            let table = ProjectPaths.calibrationTable(of: modelDirectory)
            return try Int8Encoder.load(detector: detector, calibration: table)
        }
    }

    /// What a vehicle reports about its pose error: the localisation noise the generator
    /// applied (scenario.yaml), or exact when the scenario does not say.
    static func reportedPoseUncertainty(of scenario: URL) -> PoseUncertainty {
        guard let noise = try? ScenarioManifest.load(fromScenario: scenario).noise else { return .exact }
        return PoseUncertainty(positionSigmaMeters: noise.positionSigmaMeters, yawSigmaRadians: noise.headingSigmaDegrees * .pi / 180)
    }

    /// A path from a launch file: absolute as is, relative to the project root otherwise.
    static func projectURL(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : ProjectPaths.root.appendingPathComponent(path)
    }
}
