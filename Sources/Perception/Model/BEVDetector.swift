import Foundation
import V2XCore

/// The trained BEV LiDAR detector, in two halves with fusion in between:
///
/// ```
/// points ──encode──▶ BEVFeatures ──(share / warp / FeatureFusion)──▶ BEVFeatures ──detect──▶ [Box3D]
/// ```
/// Stored as `models/<name>/config.json` (`DetectorConfig`) and `models/<name>/model.safetensors`.
public struct BEVDetector: Sendable, Equatable {
    public var network: DetectorNetwork
    public var config: DetectorConfig { network.config }
    public let pillarizer: Pillarizer
    public let decoder: HeatmapDecoder
    /// When set, `headOutput` (and so `detect` and `confidenceMap`) runs the head's hidden
    /// convolution in int8 (`Int8Head`); `nil` runs the fp32 head. See ``withInt8Head()``.
    public private(set) var int8Head: Int8Head?

    /// File names inside a model folder.
    public static let configFileName = "config.json"
    public static let weightsFileName = "model.safetensors"

    /// Wraps a network.
    /// - Throws: `V2XError.invalidArgument` when its config is invalid.
    public init(network: DetectorNetwork) throws {
        self.network = network
        pillarizer = Pillarizer(grid: network.config.grid, minZMeters: network.config.minZMeters, maxZMeters: network.config.maxZMeters)
        decoder = try HeatmapDecoder(config: network.config)
    }

    /// The feature half: a sweep in the sensor frame → the feature map this agent shares.
    /// Non-finite points and points outside the grid or z range are ignored; an empty cloud
    /// gives an all-zero map.
    public func encode(_ points: PointCloud, sensorToWorld: Pose = .identity) throws -> BEVFeatures {
        let features = try network.inferFeatures(pillarizer.pillarize(points))
        return try BEVFeatures(grid: config.featureGrid, map: features, sensorToWorld: sensorToWorld)
    }

    /// The detection half: a (possibly fused) feature map → boxes `(N, 7) [x, y, z, l, w, h, yaw]`
    /// with scores and labels, in the frame of `features`, best first.
    /// - Throws: `V2XError.shapeMismatch` when the map's grid or channels are not this model's.
    public func detect(_ features: BEVFeatures) throws -> [Box3D] {
        try decoder.decode(headOutput(features))
    }

    /// The raw head output `(H/2, W/2, K+8)`: heatmap logits then the `BoxCoder` code.
    public func headOutput(_ features: BEVFeatures) throws -> FeatureMap {
        guard features.grid == config.featureGrid, features.map.channels == config.featureChannels else {
            throw V2XError(.shapeMismatch, "features on a \(features.grid.height)×\(features.grid.width) grid with \(features.map.channels) channels; this model needs \(config.featureGrid.height)×\(config.featureGrid.width) with \(config.featureChannels)")
        }
        if let int8Head { return try int8Head.forward(features.map) }
        return try network.inferHead(features.map)
    }

    /// This detector with its head in int8 (``Int8Head``), quantized from the current weights.
    /// - Throws: `V2XError.nonFiniteValue` for non-finite head weights.
    public func withInt8Head() throws -> BEVDetector {
        var copy = self
        copy.int8Head = try Int8Head(network: network)
        return copy
    }

    /// Per-cell confidence of the agent's own features: the largest class probability
    /// (sigmoid of the heatmap), `(H/2, W/2, 1)` on `features.grid`. What a node can use to
    /// choose which cells are worth sending.
    public func confidenceMap(_ features: BEVFeatures) throws -> FeatureMap {
        confidenceMap(headOutput: try headOutput(features))
    }

    /// `confidenceMap` from a head output already computed (e.g. for `decoder.decode`), so a
    /// node runs the head once per frame for both its boxes and its cell selection.
    public func confidenceMap(headOutput head: FeatureMap) -> FeatureMap {
        let k = config.classes.count, channels = config.headOutputChannels
        var out = FeatureMap(height: head.height, width: head.width, channels: 1)
        for cell in 0..<(head.height * head.width) {
            var best = -Float.infinity
            for c in 0..<k { best = max(best, head.values[cell * channels + c]) }
            out.values[cell] = 1 / (1 + exp(-best))
        }
        return out
    }

    /// `detect(encode(points))`: single-agent detection.
    public func detect(points: PointCloud) throws -> [Box3D] {
        try detect(encode(points))
    }

    // MARK: Files

    /// Loads `config.json` and `model.safetensors` from a model folder, validating both.
    /// - Throws: `V2XError` naming the file when anything is missing, malformed or does not match the config.
    public static func load(from directory: URL) throws -> BEVDetector {
        let configURL = directory.appendingPathComponent(configFileName)
        let weightsURL = directory.appendingPathComponent(weightsFileName)
        let data: Data
        do { data = try Data(contentsOf: configURL) } catch {
            throw V2XError(.notFound, "cannot read model config: \(error.localizedDescription)", path: configURL.path)
        }
        let config: DetectorConfig
        do { config = try JSONDecoder().decode(DetectorConfig.self, from: data) } catch {
            throw V2XError(.malformedData, "not a detector config: \(error)", path: configURL.path)
        }
        try config.validate(path: configURL.path)
        let contents = try SafeTensors.read(from: weightsURL)
        return try BEVDetector(network: DetectorNetwork(config: config, tensors: contents.tensors, path: weightsURL.path))
    }

    /// Writes `config.json` and `model.safetensors` into `directory` (created if needed).
    public func save(to directory: URL, metadata: [String: String] = [:]) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create model folder: \(error.localizedDescription)", path: directory.path)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let configURL = directory.appendingPathComponent(Self.configFileName)
        do { try encoder.encode(config).write(to: configURL, options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write model config: \(error.localizedDescription)", path: configURL.path)
        }
        try SafeTensors.write(network.tensors, metadata: metadata, to: directory.appendingPathComponent(Self.weightsFileName))
    }
}
