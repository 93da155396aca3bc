import Quant
import V2XCore

/// Where an int8 encoder loses accuracy: per layer, the SQNR (``QuantizationNoise``) of its
/// output against the fp32 encoder's, accumulated over sweeps, two ways:
///
/// - **isolated**: the layer alone, fed the fp32 encoder's input to it: its own weight,
///   input and output quantization error;
/// - **cumulative**: inside the whole int8 encoder: everything upstream included;
///
/// plus a last row, `features`, for the shared map the head consumes (cumulative only). An
/// fp32-kept layer's isolated figure is its output quantization alone (for an int8 consumer)
/// or `+∞`.
public struct QuantizationReport: Sendable {
    /// One row.
    public struct Row: Sendable {
        /// A layer name, or `features`.
        public let name: String
        /// Whether the layer runs int8 (`true` for `features` when any layer does).
        public let isInt8: Bool
        /// `nil` for `features`.
        public fileprivate(set) var isolated: QuantizationNoise?
        public fileprivate(set) var cumulative: QuantizationNoise
    }

    public private(set) var rows: [Row]
    /// Sweeps compared.
    public private(set) var frames = 0
    private let detector: BEVDetector
    private let reference: EncoderPipeline
    private let quantized: EncoderPipeline

    /// A report comparing `encoder` with the fp32 encoder of `detector`.
    /// - Throws: `V2XError.invalidArgument` when the encoder was not built for this detector's
    ///   config or weights (its table's fingerprint differs).
    public init(detector: BEVDetector, encoder: Int8Encoder) throws {
        guard encoder.config == detector.config, try ModelFingerprint.of(detector.network) == encoder.table.modelFingerprint else {
            throw V2XError(.invalidArgument, "the int8 encoder was not built from this detector")
        }
        self.detector = detector
        reference = try EncoderPipeline(network: detector.network, inputQuantizations: [:])
        quantized = encoder.pipeline
        let int8 = [quantized.pillar.isInt8] + quantized.chain.map(\.isInt8)
        rows = zip(EncoderLayers.names(for: detector.config), int8).map {
            Row(name: $0, isInt8: $1, isolated: QuantizationNoise(), cumulative: QuantizationNoise())
        }
        rows.append(Row(name: "features", isInt8: int8.contains(true), isolated: nil, cumulative: QuantizationNoise()))
    }

    /// Compares the two encoders on one sweep (sensor frame).
    public mutating func add(_ points: PointCloud) throws {
        let pillars = detector.pillarizer.pillarize(points)
        var fp32: [FeatureMap] = [], int8: [FeatureMap] = []
        let fp32Features = try reference.run(pillars) { _, output, _ in fp32.append(output.real) }
        let int8Features = try quantized.run(pillars) { _, output, _ in int8.append(output.real) }
        for i in fp32.indices {
            let alone = i == 0 ? try quantized.pillar.run(pillars) : try quantized.chain[i - 1].run(.real(fp32[i - 1]))
            try rows[i].isolated?.add(reference: fp32[i].values, approximation: alone.real.values)
            try rows[i].cumulative.add(reference: fp32[i].values, approximation: int8[i].values)
        }
        try rows[fp32.count].cumulative.add(reference: fp32Features.values, approximation: int8Features.values)
        frames += 1
    }
}
