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
}
