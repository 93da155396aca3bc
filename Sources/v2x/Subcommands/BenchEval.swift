import ArgumentParser
import Foundation
import Metrics
import V2XCore

/// `v2x bench eval`: times `v2x eval`'s work on a synthetic set (default 10,000 frames of
/// 50 boxes): reading both JSON Lines files, scoring under each protocol, and the rotated
/// BEV IoU alone over every detection × ground-truth pair of a frame.
struct BenchEval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Time detection scoring on a synthetic set (build with -c release for meaningful figures)."
    )

    @Option(help: "Frames in the synthetic set.")
    var frames = 10_000

    @Option(help: "Ground-truth boxes (and, on average, detections) per frame.")
    var boxes = 50

    @Option(help: "Seed of the synthetic set.")
    var seed: UInt64 = 1

    func validate() throws {
        if frames < 1 || boxes < 1 { throw ValidationError("--frames and --boxes must be at least 1") }
    }

    func run() async throws {
        let set = try SyntheticEvaluationSet(frames: frames, boxesPerFrame: boxes, seed: seed)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("v2x-bench-eval-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create folder: \(error.localizedDescription)", path: folder.path)
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let predURL = folder.appendingPathComponent("pred.jsonl"), gtURL = folder.appendingPathComponent("gt.jsonl")
        try FrameBoxesFile.write(set.predictions, to: predURL)
        try GroundTruthFile.write(set.groundTruth, to: gtURL)

        let clock = ContinuousClock()
        var predictions: [FrameBoxes] = []
        var truth: [GroundTruthFrame] = []
        let read = try clock.measure {
            predictions = try DetectionsFile.read(from: predURL)
            truth = try GroundTruthFile.read(from: gtURL)
        }
        let detections = predictions.reduce(0) { $0 + $1.boxes.count }
        print("synthetic set: \(frames) frames, \(frames * boxes) ground-truth boxes, \(detections) detections")
        print(String(format: "read both files:        %7.3f s", read.seconds))
        for evaluationProtocol in EvaluationProtocol.allCases {
            var report: EvaluationReport?
            let options = EvaluationOptions(evaluationProtocol: evaluationProtocol)
            let elapsed = try clock.measure {
                report = try DetectionEvaluator(options: options).evaluate(predictions: predictions, groundTruth: truth)
            }
            let ap = report.map { r in r.overall.averagePrecision.map { $0.map { String(format: "%.3f", $0) } ?? "-" } } ?? []
            print(String(format: "evaluate (%@): %7.3f s  %9.0f frames/s", evaluationProtocol.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0),
                         elapsed.seconds, Double(frames) / elapsed.seconds)
                + "  AP@0.3/0.5/0.7 \(ap.joined(separator: " / "))")
        }
        // The IoU itself, as rotated NMS calls it: every detection against its own frame's
        // ground truth (mostly rejected by the circle test), and the overlapping pairs alone.
        var pairs = 0, overlapping = 0
        var checksum = 0.0
        let all = clock.measure {
            for (p, t) in zip(predictions, truth) {
                for d in p.boxes {
                    for g in t.record.boxes {
                        let iou = RotatedIoU.bev(d, g)
                        pairs += 1
                        if iou > 0 { overlapping += 1; checksum += iou }
                    }
                }
            }
        }
        print(String(format: "rotated BEV IoU:        %7.1f ns per pair over %d pairs (%d overlap, mean IoU %.3f)",
                     all.seconds * 1e9 / Double(max(1, pairs)), pairs, overlapping, checksum / Double(max(1, overlapping))))
    }
}

private extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
