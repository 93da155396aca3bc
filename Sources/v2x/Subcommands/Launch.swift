import ArgumentParser
import Comm
import Foundation
import Fusion
import Logging
import Metrics
import Perception
import Scenario
import V2XCore

/// `v2x launch [SCENARIO]`: every agent of a launch file as its own `v2x node` process.
struct Launch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one node process per agent over ZeroMQ, then score the ego's detections.",
        discussion: """
            Generates per-run signing keys (OUT/keys), starts one `v2x node` per agent of the launch \
            file (default: launch/default.yaml) with a common start time a few seconds ahead so every \
            socket connects first, forwards SIGINT/SIGTERM to them and waits for their flushed exit. \
            A node that dies is survived (--kill injects that). Then scores the ego's detections \
            against the cooperative ground truth and prints the AP table, the volume per agent and \
            per-stage latency p50/p95/p99; writes OUT/summary.json. Node outputs are in OUT/agents/<id>/.
            """
    )

    @Argument(help: "Scenario folder; overrides the launch file's `scenario`.")
    var scenario: String?

    @Option(help: "Launch file (YAML); default: launch/default.yaml under the project.")
    var launch: String?

    @Option(help: "Folder for keys, node outputs and the summary.")
    var out: String = "out/launch"

    @Option(help: "SIGKILL an agent's node this many seconds after the start, e.g. 1044@3 (repeatable).")
    var kill: [String] = []

    @Option(help: "Run only the first N frames.")
    var frames: Int?

    @Option(help: "Seconds between starting the nodes and their common start time (socket set-up, model loading).")
    var startDelay: Double = 4

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.makeLogger()
        let launchURL = launch.map { URL(fileURLWithPath: $0) } ?? ProjectPaths.root.appendingPathComponent("launch/default.yaml")
        let launchFile = try LaunchFile.load(from: launchURL)
        let kills = try kill.map(Self.parseKill)
        for k in kills { _ = try launchFile.agent(k.agentID) }
        guard startDelay >= 0, startDelay.isFinite else { throw ValidationError("--start-delay must be ≥ 0") }
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1") }

        // Resolve (and on first use generate) the scenario once, before any node starts.
        let scenarioURL = try scenario.map { URL(fileURLWithPath: $0) }
            ?? launchFile.scenario.map(NodeCommand.projectURL) ?? Replay.defaultScenario(logger: logger)
        let source = try ScenarioLoader.open(scenarioURL)
        let egoID = try launchFile.ego ?? GroundTruthExporter.defaultEgoID(of: source)
        guard launchFile.agents.contains(where: { $0.id == egoID }) else {
            throw V2XError(.notFound, "the ego '\(egoID)' is not among the launch file's agents", path: launchURL.path)
        }

        // Fail before starting anything when the nodes could not start either.
        _ = try FeatureCodebook.load(base: NodeCommand.projectURL(launchFile.codebook))
        let modelDirectory = NodeCommand.projectURL(launchFile.model)
        _ = try NodeCommand.featureEncoder(launchFile.precision, detector: BEVDetector.load(from: modelDirectory), modelDirectory: modelDirectory)

        let outDirectory = URL(fileURLWithPath: out, isDirectory: true)
        let keyDirectory = outDirectory.appendingPathComponent("keys", isDirectory: true)
        try LaunchKeys.generate(agentIDs: launchFile.agents.map(\.id)).write(to: keyDirectory)

        let children = LaunchChildren()
        children.catchSignals()
        let start = Timestamp(nanoseconds: WallClock.now().nanoseconds + Int64(startDelay * 1e9))
        for agent in launchFile.agents {
            let agentDirectory = Self.agentDirectory(agent.id, in: outDirectory)
            try FileManager.default.createDirectory(at: agentDirectory, withIntermediateDirectories: true)
            var arguments = [
                "node", "--launch", launchURL.path, "--agent=\(agent.id)", "--keys", keyDirectory.path,
                "--out", agentDirectory.path, "--scenario", scenarioURL.path, "--start-at", String(start.nanoseconds),
                "--log-level", logging.logLevel.rawValue,
            ]
            if let frames { arguments += ["--frames", String(frames)] }
            try children.start(agentID: agent.id, arguments: arguments, log: agentDirectory.appendingPathComponent("node.log"))
        }
        let frameCount = min(frames ?? source.frameIDs.count, source.frameIDs.count)
        logger.info("launch: \(launchFile.agents.count) nodes (ego \(egoID), \(launchFile.fusion.mode.rawValue) fusion) on \(source.name), \(frameCount) frames at \(launchFile.rateHz) Hz × \(launchFile.speed), starting in \(startDelay) s; outputs in \(outDirectory.path)")
        let stopped = children.wait(start: start, kills: kills)
        var failed: [String] = []
        for (agent, ending) in children.endings.sorted(by: { $0.key < $1.key }) {
            logger.info("node \(agent): \(ending)")
            guard ending.hasPrefix("exit"), ending != "exit 0" else { continue }
            failed.append(agent)
            let log = Self.agentDirectory(agent, in: outDirectory).appendingPathComponent("node.log")
            let last = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
            logger.error("node \(agent) failed: \(last) (see \(log.path))")
        }

        let summary = try LaunchSummary.make(
            source: source, egoID: egoID, frameCount: frameCount, launchFile: launchFile,
            outDirectory: outDirectory, endings: children.endings, kills: children.killsDone, stopped: stopped)
        summary.lines().forEach { print($0) }
        try summary.write(to: outDirectory.appendingPathComponent("summary.json"))
        print("wrote summary.json, keys/ and agents/<id>/ (detections, fused, latency, messages, node-stats, node.log) to \(outDirectory.path)")
        // The summary above still scores what the ego wrote before it failed.
        if failed.contains(egoID) { throw ExitCode.failure }
    }

    /// Where an agent's node writes.
    static func agentDirectory(_ agentID: String, in out: URL) -> URL {
        out.appendingPathComponent("agents", isDirectory: true).appendingPathComponent(agentID, isDirectory: true)
    }

    /// Parses `AGENT@SECONDS`.
    static func parseKill(_ text: String) throws -> LaunchChildren.Kill {
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, let seconds = Double(text[text.index(after: at)...]),
              seconds.isFinite, seconds >= 0 else {
            throw ValidationError("--kill '\(text)' is not AGENT@SECONDS (e.g. 1044@3)")
        }
        return LaunchChildren.Kill(agentID: String(text[..<at]), afterSeconds: seconds)
    }
}
