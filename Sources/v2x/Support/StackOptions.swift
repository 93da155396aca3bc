import ArgumentParser
import Comm
import Foundation
import Fusion
import Perception

/// The options that fix the stack every agent runs, shared by `replay` and `eval sweep`:
/// model, encoder precision, what intermediate fusion sends and how the ego fuses it.
struct StackOptions: ParsableArguments {
    @Option(help: "Model folder (config.json + model.safetensors); default: \(ProjectPaths.defaultModel) under the project.")
    var model: String?

    @Option(help: "Encoder precision on every agent: fp32 or int8 (int8 reads calibration/<model>/int8.json).")
    var precision: EncoderPrecision = .fp32

    @Option(help: "Intermediate fusion operator: \(FusionOperator.allCases.map(\.rawValue).joined(separator: ", ")).")
    var fusionOperator: FusionOperator = .attention

    @Flag(help: "Intermediate fusion without delay-aware trust weights (every covered cell weighs 1).")
    var noTrust = false

    @Option(help: "Delay-aware trust: the speed (m/s) whose displacement over a message's age counts as misplacement (TrustModel's v).")
    var trustSpeed = TrustModel().typicalSpeedMetersPerSecond

    @Option(help: "Delay-aware trust: the misplacement (m) at which a cell's weight has fallen to e^(-1/2) (TrustModel's r).")
    var trustTolerance = TrustModel().toleranceMeters

    @Flag(inversion: .prefixedNo, help: "Correct collaborators' poses from the agreement of their boxes with the ego's before fusing (senders add up to 16 anchor boxes to each message; exact poses are left as they are).")
    var poseCorrection = true

    @Flag(inversion: .prefixedNo, help: "Intermediate fusion: move the cars a delayed collaborator saw moving, in its map and among its boxes, by how far they have gone since its sweep (velocities fitted over its last 5 messages' boxes).")
    var motionCompensation = true

    @Flag(inversion: .prefixedNo, help: "Refit the final vehicle boxes to the ego's own returns (L-shape fitting, BoxRefiner).")
    var refineBoxes = true

    @Flag(inversion: .prefixedNo, help: "Intermediate fusion with --refine-boxes: boxes the ego cannot refit adopt the nearest box a collaborator sent (senders add up to 32 refitted boxes scored ≥ 0.2 to each message).")
    var adoptBoxes = true

    @Flag(inversion: .prefixedNo, help: "With --adopt-boxes: add the collaborator boxes no final box lies within 1 m of (objects the fused head missed), at half their sender's score.")
    var addMissedBoxes = true

    @Option(help: "With --add-missed-boxes: an added collaborator box is scored its sender's score times this (0 < f ≤ 1).")
    var missedBoxScoreFactor = FusionSettings(mode: .intermediate).missedBoxScoreFactor

    @Option(help: "With --adopt-boxes: a fused box a single map (a collaborator's or the ego's own) also found within 1 m is scored 1 − (1 − s)(1 − k·c), c the best such score; k is this (0 ≤ k ≤ 1, 0 = off).")
    var confirmationFactor = FusionSettings(mode: .intermediate).confirmationFactor

    @Option(help: "With --adopt-boxes: most of a sender's returns carried inside each box it sends (3 bytes each, in what the cells leave of --budget-bytes, most confident boxes first), so the ego refits boxes to every view of an object; 0 = none.")
    var boxReturns = FusionSettings.defaultBoxReturnLimit

    @Flag(inversion: .prefixedNo, help: "With --adopt-boxes: score the final boxes from their evidence with the model folder's box rescorer (\(BoxRescorer.fileName), made by `v2x train-rescorer`) instead of by --confirmation-factor; without the file, confirmation.")
    var rescore = true

    @Flag(help: "Intermediate fusion sends the whole fp32 map uncompressed instead of codebook codes.")
    var dense = false

    @Option(help: "Message codebook base path (without extension); default: <model>/codebook.")
    var codebook: String?

    @Option(help: "Byte budget of one coded message (envelope and signature included).")
    var budgetBytes = CellSelector.defaultBudgetBytes

    @Option(help: "Confidence a cell needs before it is considered for sending (0.2: chosen on the val split, where it cost the least AP against the dense map).")
    var threshold = CellSelector.defaultThreshold

    @Option(help: "Seed of the pose noise (and nothing else).")
    var seed: UInt64 = 1

    func validate() throws {
        guard budgetBytes > 0 else { throw ValidationError("--budget-bytes must be positive") }
        guard threshold >= 0, threshold <= 1 else { throw ValidationError("--threshold must be in [0, 1]") }
        guard missedBoxScoreFactor > 0, missedBoxScoreFactor <= 1 else { throw ValidationError("--missed-box-score-factor must be in (0, 1]") }
        guard confirmationFactor >= 0, confirmationFactor <= 1 else { throw ValidationError("--confirmation-factor must be in [0, 1]") }
        guard (0...FusionSettings.maxBoxReturnLimit).contains(boxReturns) else {
            throw ValidationError("--box-returns must be in 0…\(FusionSettings.maxBoxReturnLimit)")
        }
        guard trustSpeed.isFinite, trustSpeed >= 0 else { throw ValidationError("--trust-speed must be a finite speed ≥ 0") }
        guard trustTolerance.isFinite, trustTolerance > 0 else { throw ValidationError("--trust-tolerance must be positive") }
    }

    /// The model folder: `--model`, else the shipped one.
    var modelDirectory: URL {
        ProjectPaths.modelDirectory(model)
    }

    /// The int8 calibration table of the model: `calibration/<model name>/int8.json`.
    var calibrationURL: URL {
        ProjectPaths.calibrationTable(of: modelDirectory)
    }

    /// The codebook base path: `--codebook`, else `<model>/codebook`.
    var codebookBase: URL {
        codebook.map { URL(fileURLWithPath: $0) } ?? modelDirectory.appendingPathComponent("codebook")
    }

    /// The trust model of `--trust-speed` and `--trust-tolerance` (other parameters default).
    var trustModel: TrustModel {
        TrustModel(typicalSpeedMetersPerSecond: trustSpeed, toleranceMeters: trustTolerance)
    }

    /// The model folder's box rescorer when `--rescore` is on and the folder has one.
    /// - Throws: `V2XError` when the file is unreadable or does not fit this build.
    func rescorer() throws -> BoxRescorer? {
        rescore ? try BoxRescorer.load(from: modelDirectory) : nil
    }

    /// The setting these options describe for one fusion mode, delay and pose noise.
    /// - Throws: `V2XError` when the model folder's rescorer cannot be loaded.
    func setting(name: String, mode: FusionMode, delaySeconds: Double, poseNoise: Double) throws -> ReplaySetting {
        ReplaySetting(
            name: name,
            fusion: FusionSettings(mode: mode, fusionOperator: fusionOperator, trust: noTrust ? nil : trustModel,
                                   poseCorrection: poseCorrection ? BoxAgreementAlignment() : nil, motionCompensation: motionCompensation,
                                   boxRefiner: refineBoxes ? BoxRefiner() : nil, adoptsCollaboratorBoxes: adoptBoxes,
                                   addsMissedCollaboratorBoxes: addMissedBoxes, missedBoxScoreFactor: missedBoxScoreFactor,
                                   confirmationFactor: confirmationFactor, boxReturnLimit: boxReturns, rescorer: try rescorer()),
            precision: precision, payload: .for(mode, compressed: !dense),
            delaySeconds: delaySeconds, poseNoise: .matching(positionSigmaMeters: poseNoise))
    }

    /// A replay engine with what `settings` need loaded: the model (and its fused-map head,
    /// when the folder has one), the int8 encoder for int8 settings, the codebook for coded payloads.
    /// - Throws: `V2XError` naming a missing or mismatched model, calibration or codebook file.
    func replayEngine(agentIDs: [String], settings: [ReplaySetting]) throws -> CooperativeReplay {
        let detector = try BEVDetector.load(from: modelDirectory)
        let int8: (any FeatureEncoder)? = settings.contains { $0.precision == .int8 }
            ? try Int8Encoder.load(detector: detector, calibration: calibrationURL) : nil
        let codebook = settings.contains { $0.payload == .codedFeatures } ? try FeatureCodebook.load(base: codebookBase) : nil
        return try CooperativeReplay(
            detector: detector, fusionHead: try detector.loadingFusionHead(from: modelDirectory), int8Encoder: int8, codebook: codebook,
            selector: try CellSelector(threshold: threshold, budgetBytes: budgetBytes),
            agentIDs: agentIDs, boxRefiner: refineBoxes ? BoxRefiner() : nil, seed: seed)
    }
}

extension EncoderPrecision: ExpressibleByArgument {}
extension FusionOperator: ExpressibleByArgument {}
