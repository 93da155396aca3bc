import ArgumentParser
import Comm
import Foundation
import Perception
import Scenario
import V2XCore

/// `v2x codebook`: learns the message codebook from the detector's own features.
///
/// The vectors are the cells a node would send: cells of training sweeps whose confidence
/// (3×3 max-filtered, as `CellSelector` ranks them) reaches `--threshold`. The codebook is
/// scored on cells of held-out sweeps (`--eval-data`), never on the cells it was fit to.
struct Codebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the message codebook (product or residual quantization) on real encoder outputs.",
        discussion: """
            Encodes every agent of --frames frames (evenly spread over the scenarios of --data) with \
            the model, keeps the cells a node would send (confidence ≥ --threshold after a 3×3 max \
            filter), and fits --books × --codes k-means centroids (--quantization product: one book per \
            channel slice; residual: each book on what the books before it left). Writes <out>.json (metadata, \
            sha256) and <out>.safetensors. With --eval-data, reports the relative reconstruction \
            error and bytes per cell on held-out sweeps.
            """
    )

    @Option(help: "Training data: a scenario or a split folder (one scenario per subfolder), e.g. data/splits/train.")
    var data: String

    @Option(help: "Held-out scenario or split folder to score the codebook on, e.g. data/splits/val.")
    var evalData: String?

    @Option(help: "Model folder; default: \(ProjectPaths.defaultModel).")
    var model: String?

    @Option(help: "Frames to encode for training (every agent of each).")
    var frames = 120

    @Option(help: "Frames to encode for scoring (every agent of each).")
    var evalFrames = 30

    @Option(help: "Confidence a cell needs to count as sent.")
    var threshold: Float = 0.3

    @Option(help: "How the books combine: product (channel slices) or residual (stages over all channels).")
    var quantization: FeatureCodebook.Quantization = .product

    @Option(help: "Books, i.e. codes per cell; for product quantization they must divide the feature channels.")
    var books = 8

    @Option(help: "Centroids per book (≤ 65536).")
    var codes = 256

    @Option(help: "Most training vectors kept (evenly subsampled beyond).")
    var maxVectors = 40_000

    @Option(help: "k-means iterations.")
    var iterations = 20

    @Option(help: "k-means seed.")
    var seed: UInt64 = 1

    @Option(help: "Output base path without extension; default: <model>/codebook.")
    var out: String?

    func validate() throws {
        guard frames >= 1, evalFrames >= 1, books >= 1, books <= 64, codes >= 2, codes <= 65536, maxVectors >= codes, iterations >= 1 else {
            throw ValidationError("--frames, --eval-frames, --iterations must be ≥ 1, --books 1…64; 2 ≤ --codes ≤ 65536 ≤ …; --max-vectors ≥ --codes")
        }
        guard threshold >= 0, threshold <= 1 else { throw ValidationError("--threshold must be in [0, 1]") }
    }

    func run() throws {
        let modelURL = ProjectPaths.modelDirectory(model)
        let detector = try BEVDetector.load(from: modelURL)
        let channels = detector.config.featureChannels
        guard quantization == .residual || channels % books == 0 else {
            throw ValidationError("--books \(books) must divide the model's \(channels) channels for product quantization")
        }

        let training = try sentCells(detector: detector, data: URL(fileURLWithPath: data), frames: frames, label: "encode train")
        var vectors = training.vectors
        var count = vectors.count / channels
        guard count >= codes else {
            throw V2XError(.invalidArgument, "only \(count) cells reach confidence \(threshold) in \(training.sweeps) sweeps; need ≥ \(codes): lower --threshold or add --frames")
        }
        if count > maxVectors {
            let stride = Double(count) / Double(maxVectors)
            var kept: [Float] = []
            kept.reserveCapacity(maxVectors * channels)
            for i in 0..<maxVectors {
                let v = Int(Double(i) * stride)
                kept += vectors[(v * channels)..<((v + 1) * channels)]
            }
            vectors = kept; count = maxVectors
        }
        print("training vectors: \(count) cells of \(training.sweeps) sweeps (\(training.cells) cells sent of \(training.sweeps * detector.config.featureGrid.cellCount))")
        let started = Date()
        let codebook = try FeatureCodebook.train(
            id: "\(modelURL.lastPathComponent)-\(quantization == .product ? "pq" : "rq")\(books)x\(codes)", modelID: modelURL.lastPathComponent,
            quantization: quantization, vectors: vectors, count: count, channels: channels, codesPerCell: books,
            codesPerBook: codes, iterations: iterations, seed: seed)
        print("trained \(books) × \(codes) \(quantization.rawValue) centroids (\(codebook.codeBits) bits a code) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        print("train relative MSE: \(String(format: "%.4f", try codebook.relativeMSE(vectors: vectors, count: count)))")

        if let evalData {
            let held = try sentCells(detector: detector, data: URL(fileURLWithPath: evalData), frames: evalFrames, label: "encode eval")
            let heldCount = held.vectors.count / channels
            if heldCount > 0 {
                let mse = try codebook.relativeMSE(vectors: held.vectors, count: heldCount)
                print("held-out relative MSE: \(String(format: "%.4f", mse)) over \(heldCount) cells of \(held.sweeps) sweeps (\(evalData))")
            }
        }
        let bytesPerCell = Double(codebook.codeBits * books) / 8
        print("bytes per cell: \(String(format: "%.1f", bytesPerCell)) codes vs \(channels * 4) fp32 (\(String(format: "%.0f", Double(channels * 4) / bytesPerCell))×)")

        let base = out.map { URL(fileURLWithPath: $0) } ?? modelURL.appendingPathComponent("codebook")
        try codebook.save(base: base)
        print("wrote \(base.path).json and .safetensors (sha256 \(codebook.metadata.sha256.prefix(16))…)")
    }

    /// The feature vectors of the cells a node would send, from `frames` sweeps spread evenly
    /// over every agent of every frame of the scenarios at `data`.
    func sentCells(detector: BEVDetector, data: URL, frames: Int, label: String) throws -> (vectors: [Float], sweeps: Int, cells: Int) {
        let sources = try SplitFolder.open(data)
        var sweeps: [(source: Int, frame: Int)] = []
        for (s, source) in sources.enumerated() { for f in source.frameIDs.indices { sweeps.append((s, f)) } }
        guard !sweeps.isEmpty else { throw V2XError(.notFound, "no frames", path: data.path) }
        let picked = stride(from: 0.0, to: Double(sweeps.count), by: max(1, Double(sweeps.count) / Double(frames))).map { sweeps[Int($0)] }
        let grid = detector.config.featureGrid, channels = detector.config.featureChannels
        var vectors: [Float] = [], done = 0, cellsSent = 0
        let bar = ProgressBar(label, total: picked.count)
        for (i, pick) in picked.enumerated() {
            let frame = try sources[pick.source].frame(at: pick.frame)
            for agent in frame.agents {
                let features = try detector.encode(agent.points, sensorToWorld: agent.lidarPose)
                let confidence = try detector.confidenceMap(features).values
                let smoothed = CellSelector.maxFilter3x3(confidence, height: grid.height, width: grid.width)
                for cell in 0..<grid.cellCount where smoothed[cell] >= threshold {
                    vectors += features.map.values[(cell * channels)..<((cell + 1) * channels)]
                    cellsSent += 1
                }
                done += 1
            }
            bar.update(i + 1)
        }
        return (vectors, done, cellsSent)
    }
}

extension FeatureCodebook.Quantization: ExpressibleByArgument {}
