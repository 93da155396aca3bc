import Foundation
import Quant
import V2XCore

/// The detector's encoder half (points → ``BEVFeatures``) post-training quantized: the
/// pillar encoder, backbone and neck run on the int8 kernels (u8 activations, s8 weights
/// per output channel, s32 accumulation, ReLU fused), with the activation quantization of a
/// ``CalibrationTable`` and its bias corrections when it has them. The result is dequantized
/// to fp32 on the detector's `featureGrid` with its `featureChannels`, so the detector's fp32
/// head (`BEVDetector.detect`) consumes it as it consumes the fp32 encoder's.
///
/// ```swift
/// let detector = try BEVDetector.load(from: modelURL)
/// let encoder = try Int8Encoder.load(detector: detector, calibration: tableURL)
/// let boxes = try detector.detect(encoder.encode(points, sensorToWorld: pose))
/// ```
/// Layers the table lists in `keepFP32` run with the fp32 code; tensors cross between the
/// two precisions as fp32. The kernel path is ``KernelISA/selected(environment:)``, on every core.
public struct Int8Encoder: FeatureEncoder {
    /// The table the encoder was built from.
    public let table: CalibrationTable
    /// The detector's config.
    public let config: DetectorConfig
    let pillarizer: Pillarizer
    let pipeline: EncoderPipeline

    /// Quantizes `detector`'s encoder with `table`.
    /// - Throws: the errors of ``CalibrationTable/int8Quantizations(for:)`` (a table made for
    ///   another model, invalid entries), and `V2XError.invalidArgument` for weights or biases
    ///   the int8 layers cannot represent.
    public init(detector: BEVDetector, table: CalibrationTable) throws {
        self.table = table
        config = detector.config
        pillarizer = detector.pillarizer
        let quantizations = try table.int8Quantizations(for: detector.network)
        let network = try detector.network.addingToBiases(table.biasCorrections(for: detector.network))
        pipeline = try EncoderPipeline(network: network, inputQuantizations: quantizations)
    }

    /// Loads the table at `url` and quantizes `detector`'s encoder with it.
    /// - Throws: as ``CalibrationTable/load(from:)`` and ``init(detector:table:)``, the
    ///   errors naming the file.
    public static func load(detector: BEVDetector, calibration url: URL) throws -> Int8Encoder {
        let table = try CalibrationTable.load(from: url)
        do { return try Int8Encoder(detector: detector, table: table) } catch var error as V2XError {
            error.path = error.path ?? url.path
            throw error
        }
    }

    /// Encodes one sweep in the sensor frame; non-finite points and points outside the grid
    /// or z range are ignored (an empty cloud gives what the layers make of an empty pillar map).
    public func encode(_ points: PointCloud, sensorToWorld: Pose = .identity) throws -> BEVFeatures {
        let features = try pipeline.run(pillarizer.pillarize(points))
        return try BEVFeatures(grid: config.featureGrid, map: features, sensorToWorld: sensorToWorld)
    }
}
