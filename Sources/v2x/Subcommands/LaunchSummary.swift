import Foundation
import Fusion
import Metrics
import Scenario
import V2XCore

/// What a launch produced, gathered from its nodes' files: the ego's detections scored
/// against the cooperative ground truth, the volume every agent sent, per-stage latency of
/// the ego and of the collaborators, and each node's counts. Printed and written as
/// `summary.json`.
struct LaunchSummary: Encodable {
    var scenario: String
    var ego: String
    var fusion: String
    var precision: String
    var speed: Double
    var rateHz: Double
    /// Frames the launch ran (the ego's score covers those up to its last written frame).
    var frames: Int
    /// Frames the ego wrote detections for.
    var egoFramesWritten: Int
    /// Ground-truth frames scored (through the ego's last written frame).
    var framesScored: Int
    var evaluation: EvaluationReport
    var latencyEgo: LatencySummary
    var latencyCollaborators: LatencySummary
    var communication: CommunicationSummary
    /// Per collaborator: ego frames it was fused into and the median age of its message (ms).
    var fusedInto: [String: FusedCount]
    /// Per agent, as its node wrote them (missing for a node that was killed).
    var nodes: [String: NodeRunSummary]
    /// Per agent: `exit N` or `signal N`.
    var endings: [String: String]
    var kills: [String]
    var stopped: Bool

    enum CodingKeys: String, CodingKey {
        case scenario, ego, fusion, precision, speed, frames, evaluation, communication, nodes, endings, kills, stopped
        case fusedInto = "fused_into"
        case rateHz = "rate_hz"
        case egoFramesWritten = "ego_frames_written"
        case framesScored = "frames_scored"
        case latencyEgo = "latency_ego"
        case latencyCollaborators = "latency_collaborators"
    }

    /// Reads the nodes' outputs under `outDirectory/agents/` and scores the ego.
    /// - Throws: `V2XError` for unreadable or malformed node outputs or scenario frames.
    static func make(
        source: any ScenarioSource, egoID: String, frameCount: Int, launchFile: LaunchFile, outDirectory: URL,
        endings: [String: String], kills: [String], stopped: Bool
    ) throws -> LaunchSummary {
        var detections: [FrameBoxes] = []
        var messages: [MessageRecord] = []
        var egoLatency: [LatencyRecord] = [], collaboratorLatency: [LatencyRecord] = []
        var nodes: [String: NodeRunSummary] = [:]
        var fused: [FusedRecord] = []
        for agent in launchFile.agents {
            let directory = Launch.agentDirectory(agent.id, in: outDirectory)
            func existing(_ name: String) -> URL? {
                let url = directory.appendingPathComponent(name)
                return FileManager.default.fileExists(atPath: url.path) ? url : nil
            }
            if agent.id == egoID, let url = existing(NodeOutputs.detectionsFile) { detections = try DetectionsFile.read(from: url) }
            if agent.id == egoID, let url = existing(NodeOutputs.fusedFile) { fused = try JSONLines.read(FusedRecord.self, from: url).map(\.value) }
            if let url = existing(NodeOutputs.messagesFile) { messages += try MessageLog.read(from: url) }
            if let url = existing(NodeOutputs.latencyFile) {
                let records = try LatencyLog.read(from: url)
                if agent.id == egoID { egoLatency = records } else { collaboratorLatency += records }
            }
            if let url = existing(NodeOutputs.statsFile) {
                do { nodes[agent.id] = try JSONDecoder().decode(NodeRunSummary.self, from: Data(contentsOf: url)) } catch {
                    throw V2XError(.malformedData, "not a node summary: \(error)", path: url.path)
                }
            }
        }
        let index = Dictionary(uniqueKeysWithValues: source.frameIDs.enumerated().map { ($1, $0) })
        let lastWritten = detections.compactMap { index[$0.frame] }.max()
        let scored = lastWritten.map { min($0 + 1, frameCount) } ?? frameCount
        let exporter = GroundTruthExporter()
        var groundTruth: [GroundTruthFrame] = []
        let progress = ProgressBar("ground truth", total: scored)
        for i in 0..<scored {
            groundTruth.append(try exporter.frame(source.frame(at: i), egoID: egoID, scenario: source.name))
            progress.update(i + 1)
        }
        let scoredIDs = Set(groundTruth.map(\.record.frame))
        var report = try DetectionEvaluator().evaluate(predictions: detections.filter { scoredIDs.contains($0.frame) }, groundTruth: groundTruth)
        let communication = CommunicationSummary(messages: messages, sensorRateHz: launchFile.rateHz)
        report.communication = communication
        report.latency = LatencySummary(records: egoLatency)
        return LaunchSummary(
            scenario: source.name, ego: egoID, fusion: launchFile.fusion.mode.rawValue, precision: launchFile.precision.rawValue,
            speed: launchFile.speed, rateHz: launchFile.rateHz, frames: frameCount, egoFramesWritten: detections.count,
            framesScored: scored, evaluation: report, latencyEgo: LatencySummary(records: egoLatency),
            latencyCollaborators: LatencySummary(records: collaboratorLatency), communication: communication,
            fusedInto: FusedCount.tally(fused), nodes: nodes, endings: endings, kills: kills, stopped: stopped)
    }

    /// The summary for people: the run, the AP and volume tables, the ego's and the
    /// collaborators' stage latency, and each node's frames and drops.
    func lines() -> [String] {
        var out = ["launch: scenario \(scenario), ego \(ego), \(fusion) fusion, \(precision), \(Self.number(rateHz)) Hz × \(Self.number(speed))"]
        let egoNode = nodes[ego]
        let processed = egoNode?.framesProcessed ?? egoFramesWritten
        let skipped = egoNode?.framesSkipped ?? 0
        let keptRate = framesScored > 0 ? Double(egoFramesWritten) / Double(framesScored) * rateHz : 0
        out.append("ego \(ego): \(processed) frames fused and written, \(skipped) skipped behind the sensor, of \(framesScored) scored (\(String(format: "%.1f", keptRate)) of \(Self.number(rateHz)) Hz kept)")
        let fusedText = fusedInto.keys.sorted().map { "\($0) into \(fusedInto[$0]!.frames) (median age \(String(format: "%.0f", fusedInto[$0]!.medianAgeMilliseconds)) ms, last \(fusedInto[$0]!.lastFrame))" }
        out.append("collaborators fused into the ego's frames: " + (fusedText.isEmpty ? "none" : fusedText.joined(separator: ", ")))
        if !kills.isEmpty { out.append("killed: \(kills.joined(separator: ", "))") }
        if stopped { out.append("stopped by a signal; nodes flushed and exited") }
        out.append("")
        out += evaluation.lines(markdown: false).map { $0.replacingOccurrences(of: "v2x eval —", with: "ego detections —") }
        out.append("")
        out.append("collaborators' stage latency (all non-ego nodes):")
        var table = TextTable(header: ["stage", "count", "p50 ms", "p95 ms", "p99 ms", "max ms"])
        table.rows = latencyCollaborators.stages.map { s in
            [s.name, String(s.summary.count)] + [s.summary.p50Milliseconds, s.summary.p95Milliseconds, s.summary.p99Milliseconds, s.summary.maxMilliseconds].map { String(format: "%.3f", $0) }
        }
        out += table.lines(markdown: false)
        out.append("")
        var nodeTable = TextTable(header: ["node", "ending", "frames", "skipped", "sent", "accepted", "rejected", "discarded", "link lost", "CPU ms/frame"])
        nodeTable.rows = endings.keys.sorted().map { id in
            let n = nodes[id]
            func count(_ d: [String: Int]?) -> String {
                guard let d else { return "-" }
                let total = d.values.reduce(0, +)
                return total == 0 ? "0" : "\(total) (" + d.sorted { $0.key < $1.key }.filter { $0.value > 0 }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
            }
            return [
                id + (id == ego ? " (ego)" : ""), endings[id] ?? "-", n.map { String($0.framesProcessed) } ?? "-",
                n.map { String($0.framesSkipped) } ?? "-", n.map { String($0.messagesSent) } ?? "-",
                n.map { $0.isEgo ? String($0.messagesAccepted) : "" } ?? "-", n.map { $0.isEgo ? count($0.messagesRejected) : "" } ?? "-",
                n.map { $0.isEgo ? count($0.messagesDiscarded) : "" } ?? "-", count(n?.linkLost),
                n.flatMap { node in node.cpuSeconds.map { String(format: "%.1f", $0 * 1000 / Double(max(1, node.framesProcessed))) } } ?? "-",
            ]
        }
        out += nodeTable.lines(markdown: false)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if let cpu = NodeCPUBudget(summaries: Array(nodes.values), frames: frames, rateHz: rateHz, cores: cores) {
            let used = String(format: "%.0f", cpu.usedMillisecondsPerFrame), available = String(format: "%.0f", cpu.availableMillisecondsPerFrame)
            out.append("CPU: the \(cpu.nodes) nodes used \(used) core-ms per sensor frame; this host's \(cores) cores give \(available) at \(Self.number(rateHz)) Hz (\(String(format: "%.0f", cpu.realTimeLoad * 100)) % used at real time)")
        }
        return out
    }

    /// Writes `summary.json` (keys sorted).
    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do { try encoder.encode(self).write(to: url, options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }

    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}

/// How often one collaborator reached the ego's fusion, from the ego's `fused.jsonl`.
struct FusedCount: Encodable, Equatable {
    var frames: Int
    var medianAgeMilliseconds: Double
    /// The last ego frame it was fused into.
    var lastFrame: String

    enum CodingKeys: String, CodingKey {
        case frames
        case medianAgeMilliseconds = "median_age_ms"
        case lastFrame = "last_frame"
    }

    static func tally(_ records: [FusedRecord]) -> [String: FusedCount] {
        var ages: [String: [Double]] = [:], last: [String: String] = [:]
        for record in records {
            for (agent, age) in record.collaborators {
                ages[agent, default: []].append(age * 1000)
                last[agent] = record.frame
            }
        }
        var out: [String: FusedCount] = [:]
        for (agent, values) in ages {
            let sorted = values.sorted()
            out[agent] = FusedCount(frames: sorted.count, medianAgeMilliseconds: sorted[sorted.count / 2], lastFrame: last[agent] ?? "")
        }
        return out
    }
}
