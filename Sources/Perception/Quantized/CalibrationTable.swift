import Foundation
import Quant
import V2XCore

/// The int8 calibration of one detector's encoder, stored as human-readable JSON at
/// `calibration/<model-name>/int8.json` (written by `v2x quantize`):
///
/// ```json
/// {
///   "formatVersion": 1,
///   "model": "pillars-centerpoint-vehicle",
///   "modelFingerprint": "fnv1a64:…",
///   "observer": { "method": "percentile", "percentile": 99.99 },
///   "calibrationData": "data/splits/train", "calibrationFrames": 256,
///   "keepFP32": ["upsample"],
///   "layers": [ { "name": "pillar", "scale": 0.0123, "zeroPoint": 97,
///                 "rangeMin": -1.19, "rangeMax": 1.94, "observedMin": -1.19, "observedMax": 1.94,
///                 "biasCorrection": [0.0012, …] }, … ]
/// }
/// ```
/// Each layer entry is that layer's *input* activation: `scale` and `zeroPoint` are what the
/// encoder uses (u8 codes `q`, real `scale · (q − zeroPoint)`); `rangeMin`/`rangeMax` record
/// the range the observer chose and `observedMin`/`observedMax` the extremes calibration saw.
/// Weights need no table: they are quantized when the encoder is built, symmetric per output
/// channel (`max|w| / 127`), after the optional `biasCorrection` is added to the fp32 bias.
/// Layers named in `keepFP32` run with the fp32 code.
public struct CalibrationTable: Codable, Sendable, Equatable {
    /// The format this build reads and writes.
    public static let formatVersion = 1
    /// The file name inside `calibration/<model-name>/`.
    public static let fileName = "int8.json"

    /// One layer's input activation quantization and where it came from.
    public struct Layer: Codable, Sendable, Equatable {
        /// The layer (``EncoderLayers``).
        public var name: String
        public var scale: Float
        public var zeroPoint: Int32
        /// The range the observer chose.
        public var rangeMin: Float
        public var rangeMax: Float
        /// The extremes seen during calibration.
        public var observedMin: Float
        public var observedMax: Float
        /// Empirical bias correction: added to the layer's fp32 bias (one value per output
        /// channel) before it is quantized, so the int8 layer's mean output matches fp32's;
        /// `nil` for none.
        public var biasCorrection: [Float]?

        /// An entry covering `[rangeMin, rangeMax]` (widened to include 0), without bias correction.
        /// - Throws: `V2XError.nonFiniteValue` for a non-finite range.
        public init(name: String, rangeMin: Float, rangeMax: Float, observedMin: Float, observedMax: Float) throws {
            let q = try AffineQuantization(coveringMin: rangeMin, max: rangeMax)
            self.name = name
            scale = q.scale; zeroPoint = q.zeroPoint
            self.rangeMin = rangeMin; self.rangeMax = rangeMax
            self.observedMin = observedMin; self.observedMax = observedMax
        }

        /// The checked quantization.
        /// - Throws: `V2XError.invalidArgument` for a scale or zero point out of range.
        public func quantization() throws -> AffineQuantization {
            try AffineQuantization(scale: scale, zeroPoint: zeroPoint)
        }
    }

    public var formatVersion: Int
    /// The model folder's name (for people; `modelFingerprint` is what is checked).
    public var model: String
    /// ``ModelFingerprint`` of the model the table was calibrated for.
    public var modelFingerprint: String
    /// How the activation ranges were chosen.
    public var observer: ActivationObserver
    /// What the table was calibrated on: the data folder and the number of sweeps.
    public var calibrationData: String
    public var calibrationFrames: Int
    /// Layers that run fp32, in encoder order.
    public var keepFP32: [String]
    /// Every encoder layer, in order.
    public var layers: [Layer]

    /// A table for the model with `fingerprint`.
    public init(
        model: String, modelFingerprint fingerprint: String, observer: ActivationObserver,
        calibrationData: String, calibrationFrames: Int, keepFP32: [String], layers: [Layer]
    ) {
        formatVersion = Self.formatVersion
        self.model = model; modelFingerprint = fingerprint; self.observer = observer
        self.calibrationData = calibrationData; self.calibrationFrames = calibrationFrames
        self.keepFP32 = keepFP32; self.layers = layers
    }

    /// The input quantization of every layer that runs int8, by name, after checking that the
    /// table belongs to `network` and that every entry is valid.
    /// - Throws: `V2XError.unsupportedFormat` for another format version,
    ///   `.invalidArgument` for a table made for another model, `.shapeMismatch` when the
    ///   layers are not this encoder's, `.malformedData` for an invalid entry.
    public func int8Quantizations(for network: DetectorNetwork) throws -> [String: AffineQuantization] {
        guard formatVersion == Self.formatVersion else {
            throw V2XError(.unsupportedFormat, "calibration table format \(formatVersion) is not \(Self.formatVersion)")
        }
        let fingerprint = try ModelFingerprint.of(network)
        guard fingerprint == modelFingerprint else {
            throw V2XError(.invalidArgument, "calibration table was made for model \(model) (\(modelFingerprint)), not this one (\(fingerprint)); run v2x quantize for it")
        }
        let names = EncoderLayers.names(for: network.config)
        guard layers.map(\.name) == names else {
            throw V2XError(.shapeMismatch, "calibration table lists layers \(layers.map(\.name)), this encoder has \(names)")
        }
        guard Set(keepFP32).count == keepFP32.count, keepFP32.allSatisfy(names.contains) else {
            throw V2XError(.malformedData, "keepFP32 \(keepFP32) must name distinct layers of \(names)")
        }
        var result: [String: AffineQuantization] = [:]
        for layer in layers where !keepFP32.contains(layer.name) {
            do { result[layer.name] = try layer.quantization() } catch let error as V2XError {
                throw V2XError(.malformedData, "layer \(layer.name): \(error.message)")
            }
        }
        return result
    }

    /// The bias corrections of the layers that run int8 and have one, by name, checked
    /// against `network` (see ``int8Quantizations(for:)`` for the table itself).
    /// - Throws: `V2XError.malformedData` for a correction of the wrong length or with a
    ///   non-finite value, or one given to a layer kept in fp32.
    public func biasCorrections(for network: DetectorNetwork) throws -> [String: [Float]] {
        let channels = Dictionary(uniqueKeysWithValues: zip(EncoderLayers.names(for: network.config), EncoderLayers.outputChannels(for: network.config)))
        var result: [String: [Float]] = [:]
        for layer in layers {
            guard let correction = layer.biasCorrection else { continue }
            guard !keepFP32.contains(layer.name) else {
                throw V2XError(.malformedData, "layer \(layer.name) is kept in fp32 but has a bias correction")
            }
            guard correction.count == channels[layer.name], correction.allSatisfy(\.isFinite) else {
                throw V2XError(.malformedData, "layer \(layer.name): bias correction needs \(channels[layer.name] ?? 0) finite values, has \(correction.count)")
            }
            result[layer.name] = correction
        }
        return result
    }

    /// Reads a table (no model check: see ``int8Quantizations(for:)``).
    /// - Throws: `V2XError.notFound` for a missing file, `.ioFailure` for an unreadable one,
    ///   `.malformedData` for a file that is not a calibration table, each naming the file.
    public static func load(from url: URL) throws -> CalibrationTable {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw V2XError(.notFound, "no calibration table; run v2x quantize to make one", path: url.path)
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw V2XError(.ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        do { return try JSONDecoder().decode(CalibrationTable.self, from: data) } catch {
            throw V2XError(.malformedData, "not a calibration table: \(error)", path: url.path)
        }
    }

    /// Writes the table as indented JSON with sorted keys, atomically, creating the folder.
    /// - Throws: `V2XError.ioFailure` naming the file, `.nonFiniteValue` for a non-finite number.
    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do { data = try encoder.encode(self) } catch {
            throw V2XError(.nonFiniteValue, "cannot encode the calibration table: \(error)", path: url.path)
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try (data + Data("\n".utf8)).write(to: url, options: .atomic)
        } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }
}
