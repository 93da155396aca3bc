import ArgumentParser
import Foundation
import Fusion
import Metrics
import Scenario
import V2XCore

/// `v2x train-rescorer`: fits the box rescorer (`BoxRescorer`) to the evidence of the final
/// boxes the full stack produces on the training scenarios, and keeps it only when it beats
/// confirmation on the validation scenarios.
struct TrainRescorer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-rescorer",
        abstract: "Fit the final boxes' rescorer (logistic, from their evidence) on replays of the training scenarios.",
        discussion: """
            Every frame of --data is replayed by the stack the options describe (intermediate fusion, \
            the scenario's default ego), once per --delays value, without a rescorer. Each final box \
            with evidence (BoxEvidence: its score, which single maps found it, returns on it, the \
            ego's rays through it) is a sample, positive when it matches a ground-truth object at BEV \
            IoU ≥ --iou (greedy by score, as the evaluation matches). The logistic model is fitted by \
            Newton's method with an L2 penalty of --ridge. Both scorings then run on --val at each \
            --delays value; <model>/rescorer.json is written only when the rescorer's mean of AP@0.5 \
            and AP@0.7 over those delays beats confirmation's.
            """
    )

    @Option(help: "Training scenarios: a scenario or split folder, e.g. data/splits/train.")
    var data: String

    @Option(help: "Validation scenarios, e.g. data/splits/val.")
    var val: String

    @Option(help: "Message delays in ms the replays run at, comma-separated.")
    var delays = "0,300"

    @Option(help: "BEV IoU with a ground-truth object at which a box counts as positive.")
    var iou = 0.5

    @Option(help: "L2 penalty on every weight but the bias.")
    var ridge = 1.0

    @OptionGroup var stack: StackOptions

    func validate() throws {
        _ = try parsedDelays()
        guard iou > 0, iou < 1 else { throw ValidationError("--iou must be in (0, 1)") }
        guard ridge.isFinite, ridge >= 0 else { throw ValidationError("--ridge must be a finite value ≥ 0") }
    }

    func parsedDelays() throws -> [Double] {
        let values = delays.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }) else {
            throw ValidationError("--delays must be comma-separated delays in ms ≥ 0, got '\(delays)'")
        }
        return values.map { $0! }
    }

    func run() throws {
        let delaysMs = try parsedDelays()
        let unscored = try delaysMs.map { ms in
            var setting = try stack.setting(name: "\(Int(ms)) ms", mode: .intermediate, delaySeconds: ms / 1000, poseNoise: 0)
            setting.fusion.rescorer = nil
            return setting
        }
        guard unscored[0].fusion.adoptsBoxes else { throw ValidationError("the rescorer scores adopted and added boxes: keep --refine-boxes and --adopt-boxes on") }
        var samples: [(evidence: BoxEvidence, positive: Bool)] = []
        for source in try SplitFolder.open(URL(fileURLWithPath: data)) {
            let found = try replay(source, settings: unscored, gathersEvidence: true)
            for (result, truth) in found {
                let matches = GreedyMatcher.match(detections: result.boxes, groundTruth: truth, threshold: iou)
                for (evidence, match) in zip(result.evidence, matches) {
                    if let evidence { samples.append((evidence, match != nil)) }
                }
            }
            printFlushed("\(source.name): \(samples.count) boxes so far")
        }
        let positives = samples.filter(\.positive).count
        let rescorer = try BoxRescorer.fit(samples, ridge: ridge, provenance: [
            "command": CommandLine.arguments.joined(separator: " "),
            "samples": "\(samples.count)", "positives": "\(positives)",
        ])
        print("fitted on \(samples.count) boxes (\(positives) positive): " +
              zip(BoxEvidence.featureNames, rescorer.weights).map { String(format: "%@ %.3f", $0, $1) }.joined(separator: ", "))

        let scored = unscored.map { setting in
            var rescored = setting
            rescored.fusion.rescorer = rescorer
            return rescored
        }
        let scores = try score(unscored + scored)
        var confirmation = APPair(), rescoring = APPair()
        for (index, ms) in delaysMs.enumerated() {
            let before = scores[index], after = scores[delaysMs.count + index]
            print(String(format: "val at %.0f ms: confirmation AP@0.5 %.3f AP@0.7 %.3f; rescorer %.3f %.3f", ms, before.ap50, before.ap70, after.ap50, after.ap70))
            confirmation.add(before); rescoring.add(after)
        }
        guard rescoring.mean > confirmation.mean else {
            print(String(format: "the rescorer (mean %.4f) does not beat confirmation (%.4f) on val; nothing written", rescoring.mean, confirmation.mean))
            return
        }
        var kept = rescorer
        kept.provenance["val_mean_ap"] = String(format: "%.4f", rescoring.mean)
        kept.provenance["val_mean_ap_confirmation"] = String(format: "%.4f", confirmation.mean)
        try kept.save(to: stack.modelDirectory)
        print("wrote \(stack.modelDirectory.appendingPathComponent(BoxRescorer.fileName).path)")
    }

    /// Every frame of `source` through `settings` (default ego), with each result's ground truth.
    func replay(_ source: any ScenarioSource, settings: [ReplaySetting], gathersEvidence: Bool) throws -> [(CooperativeReplay.FrameResult, [Box3D])] {
        let egoID = try GroundTruthExporter.defaultEgoID(of: source)
        var engine = try stack.replayEngine(agentIDs: source.agentIDs, settings: settings)
        let exporter = GroundTruthExporter()
        var out: [(CooperativeReplay.FrameResult, [Box3D])] = []
        for index in 0..<source.frameIDs.count {
            let frame = try source.frame(at: index)
            guard frame.agents.contains(where: { $0.agentID == egoID }) else { continue }
            let truth = try exporter.frame(frame, egoID: egoID, scenario: source.name).record.boxes
            for result in try engine.process(frame, egoID: egoID, settings: settings, gathersEvidence: gathersEvidence) {
                out.append((result, truth))
            }
        }
        return out
    }

    /// AP@0.5 and AP@0.7 of each setting over the validation scenarios (the DESIGN.md protocol).
    func score(_ settings: [ReplaySetting]) throws -> [ValidationScore] {
        var predictions = [[FrameBoxes]](repeating: [], count: settings.count), groundTruth: [GroundTruthFrame] = []
        let exporter = GroundTruthExporter()
        for source in try SplitFolder.open(URL(fileURLWithPath: val)) {
            let egoID = try GroundTruthExporter.defaultEgoID(of: source)
            var engine = try stack.replayEngine(agentIDs: source.agentIDs, settings: settings)
            for index in 0..<source.frameIDs.count {
                let frame = try source.frame(at: index)
                guard let ego = frame.agents.first(where: { $0.agentID == egoID }) else { continue }
                groundTruth.append(try exporter.frame(frame, egoID: egoID, scenario: source.name))
                for (i, result) in try engine.process(frame, egoID: egoID, settings: settings).enumerated() {
                    predictions[i].append(FrameBoxes(scenario: source.name, frame: frame.frameID, ego: egoID, timestamp: ego.timestamp, boxes: result.boxes))
                }
            }
        }
        return try predictions.map { found in
            let ap = try DetectionEvaluator().evaluate(predictions: found, groundTruth: groundTruth).overall.averagePrecision
            return ValidationScore(ap50: ap.count > 1 ? ap[1] ?? 0 : 0, ap70: ap.count > 2 ? ap[2] ?? 0 : 0)
        }
    }
}

/// Validation scores summed over conditions, compared by their mean.
private struct APPair {
    var sum = 0.0, count = 0

    mutating func add(_ score: ValidationScore) { sum += score.mean; count += 1 }

    var mean: Double { count == 0 ? 0 : sum / Double(count) }
}
