import Foundation
import Fusion
import Metrics
import V2XCore

/// A node's output files, appended and handed to the kernel frame by frame, so a node that
/// is killed loses nothing it finished:
///
/// ```
/// OUT/detections.jsonl   ego only: one FrameBoxes line per frame (DESIGN.md format)
/// OUT/latency.jsonl      LatencyRecord lines: stage durations per frame, `verify` per message
/// OUT/messages.jsonl     MessageRecord lines: one per message broadcast
/// OUT/fused.jsonl        ego only: per frame, the frames skipped before it and each fused
///                        collaborator with its message age, e.g.
///                        {"frame":"000402","skipped_before":0,"collaborators":{"1028":0.0,"-1":0.1}}
/// OUT/node-stats.json    NodeRunSummary, written when the node ends
/// ```
final class NodeOutputs {
    static let detectionsFile = "detections.jsonl"
    static let latencyFile = "latency.jsonl"
    static let messagesFile = "messages.jsonl"
    static let statsFile = "node-stats.json"
    static let fusedFile = "fused.jsonl"

    let directory: URL
    let agentID: String
    let scenario: String
    private let detections: FileHandle?
    private let fused: FileHandle?
    private let latency: FileHandle
    private let messages: FileHandle
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Creates (truncates) the files in `directory`.
    /// - Throws: `V2XError.ioFailure` naming the file that cannot be created.
    init(directory: URL, agentID: String, scenario: String, isEgo: Bool) throws {
        self.directory = directory; self.agentID = agentID; self.scenario = scenario
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create: \(error.localizedDescription)", path: directory.path)
        }
        func open(_ name: String) throws -> FileHandle {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = try? FileHandle(forWritingTo: url) else {
                throw V2XError(.ioFailure, "cannot create", path: url.path)
            }
            return handle
        }
        detections = isEgo ? try open(Self.detectionsFile) : nil
        fused = isEgo ? try open(Self.fusedFile) : nil
        latency = try open(Self.latencyFile)
        messages = try open(Self.messagesFile)
    }

    /// Appends one frame's detections, latencies and message record.
    func append(_ report: NodeFrameReport, ego: String?) throws {
        if let boxes = report.detections, let detections, let ego {
            let line = try FrameBoxesFile.encodeLine(FrameBoxes(scenario: scenario, frame: report.frameID, ego: ego, timestamp: report.captureTime, boxes: boxes))
            try write(Data((line + "\n").utf8), to: detections, name: Self.detectionsFile)
        }
        if report.detections != nil, let fused {
            let record = FusedRecord(
                frame: report.frameID, skippedBefore: report.skippedBefore,
                collaborators: Dictionary(report.collaborators.map { ($0.agentID, $0.ageSeconds) }, uniquingKeysWith: { a, _ in a }))
            try write(try line(record), to: fused, name: Self.fusedFile)
        }
        var lines = Data()
        for stage in report.stages {
            lines.append(try line(LatencyRecord(agent: agentID, stage: stage.name, frame: report.frameID, nanoseconds: stage.nanoseconds)))
        }
        for ns in report.verifyNanoseconds {
            lines.append(try line(LatencyRecord(agent: agentID, stage: "verify", frame: report.frameID, nanoseconds: ns)))
        }
        try write(lines, to: latency, name: Self.latencyFile)
        let m = report.message
        try write(try line(MessageRecord(agent: agentID, frame: report.frameID, timestampNanoseconds: m.sendTime.nanoseconds,
                                         bytes: m.bytes, cellsSent: m.cellsSent, cellsTotal: m.cellsTotal)),
                  to: messages, name: Self.messagesFile)
    }

    /// Writes the run's counts.
    func writeSummary(_ summary: NodeRunSummary) throws {
        let url = directory.appendingPathComponent(Self.statsFile)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try e.encode(summary).write(to: url, options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }

    private func line(_ value: some Encodable) throws -> Data {
        var data = try encoder.encode(value)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private func write(_ data: Data, to handle: FileHandle, name: String) throws {
        do { try handle.write(contentsOf: data) } catch {
            throw V2XError(.ioFailure, "cannot append: \(error.localizedDescription)", path: directory.appendingPathComponent(name).path)
        }
    }
}

/// A line of `fused.jsonl`: what went into one ego frame.
struct FusedRecord: Codable, Equatable {
    var frame: String
    var skippedBefore: Int
    /// Collaborator id → age of its message in seconds (ego capture − collaborator capture).
    var collaborators: [String: Double]

    enum CodingKeys: String, CodingKey {
        case frame, collaborators
        case skippedBefore = "skipped_before"
    }
}
