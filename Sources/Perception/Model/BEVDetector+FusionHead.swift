import Foundation
import V2XCore

/// A second detection head for fused maps, stored beside the model as
/// `models/<name>/fusion-head.safetensors` (the head's four tensors only).
///
/// Intermediate fusion changes the statistics of the map the head reads (an element-wise max
/// of several agents' features is not a single agent's map), so the head is fine-tuned on
/// fused maps with the encoder frozen. The encoder — and with it the int8 calibration and the
/// message codebook, both fitted to encoder outputs — stays the shipped one.
extension BEVDetector {
    /// File name of the fused-map head inside a model folder.
    public static let fusionHeadFileName = "fusion-head.safetensors"

    /// The head's tensors (after the encoder's in `DetectorNetwork.tensors` order).
    public var headTensors: [NamedTensor] { Array(network.tensors[network.encoderTensorCount...]) }

    /// This detector with the head's tensors replaced (and quantized again when it runs its head in int8).
    /// - Throws: `V2XError` when a tensor is missing, unknown, misshapen or not finite.
    public func replacingHead(with tensors: [NamedTensor], path: String? = nil) throws -> BEVDetector {
        let headNames = Set(headTensors.map(\.name))
        if let foreign = tensors.first(where: { !headNames.contains($0.name) }) {
            throw V2XError(.malformedData, "tensor \(foreign.name) is not part of the detection head", path: path)
        }
        let replaced = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0) })
        let merged = network.tensors.map { replaced[$0.name] ?? $0 }
        guard replaced.count == headNames.count else {
            throw V2XError(.notFound, "a fusion head needs all of \(headNames.sorted().joined(separator: ", "))", path: path)
        }
        let replacedDetector = try BEVDetector(network: DetectorNetwork(config: config, tensors: merged, path: path))
        return int8Head == nil ? replacedDetector : try replacedDetector.withInt8Head()
    }

    /// The detector with the fused-map head of `directory`, or `nil` when the folder has none.
    /// - Throws: `V2XError` naming the file when it exists but does not fit this model.
    public func loadingFusionHead(from directory: URL) throws -> BEVDetector? {
        let url = directory.appendingPathComponent(Self.fusionHeadFileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try replacingHead(with: SafeTensors.read(from: url).tensors, path: url.path)
    }

    /// Writes this detector's head as `fusion-head.safetensors` into `directory`.
    public func saveHead(to directory: URL, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(headTensors, metadata: metadata, to: directory.appendingPathComponent(Self.fusionHeadFileName))
    }
}
