import Quant
import V2XCore

/// Post-training calibration of a detector's encoder: runs the fp32 encoder over calibration
/// sweeps, histograms every layer's input activation (``ActivationHistogram``), then turns
/// the histograms into a ``CalibrationTable`` with an ``ActivationObserver``.
///
/// ```swift
/// var calibrator = try EncoderCalibrator(detector: detector)
/// for sweep in trainSweeps { try calibrator.observe(sweep) }
/// let table = try calibrator.table(model: "…", observer: .entropy, calibrationData: "…", keepFP32: [])
/// ```
/// Observation order does not matter (the histograms only grow by exact bin merges), so one
/// set of sweeps gives one table whatever the order.
public struct EncoderCalibrator: Sendable {
    public let detector: BEVDetector
    /// Layer names, in order; `histograms[i]` is layer `i`'s input.
    public let layers: [String]
    public private(set) var histograms: [ActivationHistogram]
    /// Sweeps observed so far.
    public private(set) var frames = 0
    private let reference: EncoderPipeline

    /// - Throws: `V2XError.invalidArgument` for a bad bin count (see ``ActivationHistogram/init(binCount:)``).
    public init(detector: BEVDetector, binCount: Int = ActivationHistogram.defaultBinCount) throws {
        self.detector = detector
        layers = EncoderLayers.names(for: detector.config)
        histograms = try layers.map { _ in try ActivationHistogram(binCount: binCount) }
        reference = try EncoderPipeline(network: detector.network, inputQuantizations: [:])
    }

    /// Runs the fp32 encoder on one sweep (sensor frame) and records every layer's input.
    public mutating func observe(_ points: PointCloud) throws {
        let pillars = detector.pillarizer.pillarize(points)
        var outputs: [FeatureMap] = []
        _ = try reference.run(pillars) { _, output, _ in outputs.append(output.real) }
        histograms[0].add(pillars.pointFeatures)
        // Layer i + 1's input is layer i's output; the last output (upsample) feeds no layer.
        for (i, output) in outputs.dropLast().enumerated() { histograms[i + 1].add(output.values) }
        frames += 1
    }

    /// The table: each layer's input range chosen by `observer`.
    /// - Parameters:
    ///   - model: the model folder's name, recorded for people.
    ///   - calibrationData: where the sweeps came from, recorded.
    ///   - keepFP32: layers to leave in fp32.
    /// - Throws: `V2XError.invalidArgument` before any sweep was observed or for a `keepFP32`
    ///   name that is not a layer; the observer's errors.
    public func table(model: String, observer: ActivationObserver, calibrationData: String, keepFP32: [String]) throws -> CalibrationTable {
        guard frames > 0 else { throw V2XError(.invalidArgument, "calibration needs at least one sweep") }
        if let unknown = keepFP32.first(where: { !layers.contains($0) }) {
            throw V2XError(.invalidArgument, "--keep-fp32: \(unknown) is not a layer of this encoder (\(layers.joined(separator: ", ")))")
        }
        let entries = try zip(layers, histograms).map { name, histogram in
            let range = try observer.range(of: histogram)
            return try CalibrationTable.Layer(
                name: name, rangeMin: range.lower, rangeMax: range.upper,
                observedMin: histogram.minimum, observedMax: histogram.maximum)
        }
        return CalibrationTable(
            model: model, modelFingerprint: try ModelFingerprint.of(detector.network), observer: observer,
            calibrationData: calibrationData, calibrationFrames: frames,
            keepFP32: layers.filter(keepFP32.contains), layers: entries)
    }

    /// `table` with empirical bias correction for every int8 layer, layer by layer in
    /// encoder order: on `sweeps`, the mean per output channel of the fp32 layer's output
    /// before ReLU minus the int8 layer's (fed by the int8 encoder so far, earlier corrections
    /// included), over every output cell (every point for the pillar layer). Adding that mean
    /// to the fp32 bias before quantizing cancels the error the int8 layer makes on average:
    /// chiefly the constant error on the empty cells that fill most of a BEV map (ReLU of the
    /// bias, rounded to the same code everywhere), which the next convolution would otherwise
    /// add up coherently over its taps and channels.
    /// - Throws: `V2XError.invalidArgument` for no sweeps, and the table's errors (see
    ///   ``CalibrationTable/int8Quantizations(for:)``).
    public func correctingBiases(of table: CalibrationTable, on sweeps: [PointCloud]) throws -> CalibrationTable {
        guard !sweeps.isEmpty else { throw V2XError(.invalidArgument, "bias correction needs at least one sweep") }
        let quantizations = try table.int8Quantizations(for: detector.network)
        let channels = EncoderLayers.outputChannels(for: detector.config)
        var corrections: [String: [Float]] = [:]
        for (index, name) in layers.enumerated() where quantizations[name] != nil {
            let network = try detector.network.addingToBiases(corrections)
            let quantized = try EncoderPipeline(network: network, inputQuantizations: quantizations)
            var sums = [Double](repeating: 0, count: channels[index])
            var rows = 0
            for sweep in sweeps {
                let pillars = detector.pillarizer.pillarize(sweep)
                let reference: [Float], approximation: [Float]
                if index == 0 {
                    reference = try self.reference.pillar.preActivation(pillars)
                    approximation = try quantized.pillar.preActivation(pillars)
                } else {
                    var fp32: [EncoderActivation] = [], int8: [EncoderActivation] = []
                    _ = try self.reference.run(pillars) { _, output, _ in fp32.append(output) }
                    _ = try quantized.run(pillars) { _, output, _ in int8.append(output) }
                    reference = try self.reference.chain[index - 1].preActivation(fp32[index - 1]).values
                    approximation = try quantized.chain[index - 1].preActivation(int8[index - 1]).values
                }
                let c = channels[index]
                for (k, (r, a)) in zip(reference, approximation).enumerated() { sums[k % c] += Double(r) - Double(a) }
                rows += reference.count / c
            }
            corrections[name] = sums.map { rows > 0 ? Float($0 / Double(rows)) : 0 }
        }
        var corrected = table
        for i in corrected.layers.indices { corrected.layers[i].biasCorrection = corrections[corrected.layers[i].name] }
        return corrected
    }
}
