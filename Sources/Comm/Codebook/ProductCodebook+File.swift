import Foundation
import V2XCore

extension ProductCodebook {
    /// The JSON metadata written beside the tensors (`<name>.json`).
    public struct Metadata: Codable, Sendable, Equatable {
        public var format: String
        public var id: String
        public var modelID: String
        public var channels: Int
        public var subspaces: Int
        public var codesPerSubspace: Int
        public var codeBits: Int
        /// Lower-case hex SHA-256 (see `ProductCodebook.computeHash`).
        public var sha256: String
    }

    /// The metadata of this codebook.
    public var metadata: Metadata {
        Metadata(
            format: "v2x-pq-1", id: id, modelID: modelID, channels: channels, subspaces: subspaces,
            codesPerSubspace: codesPerSubspace, codeBits: codeBits, sha256: hash.map { String(format: "%02x", $0) }.joined())
    }

    /// Writes `<base>.safetensors` (tensor `centroids`, shape `[subspaces, codes, dimension]`)
    /// and `<base>.json` (metadata); `base` is a path without extension.
    public func save(base: URL) throws {
        let tensors = ["centroids": SafetensorsFile.Tensor(shape: [subspaces, codesPerSubspace, subspaceDimension], values: centroids)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let tensorURL = base.appendingPathExtension("safetensors")
        let jsonURL = base.appendingPathExtension("json")
        do {
            try SafetensorsFile.encode(tensors, metadata: ["id": id, "sha256": metadata.sha256]).write(to: tensorURL, options: .atomic)
            try encoder.encode(metadata).write(to: jsonURL, options: .atomic)
        } catch let error as V2XError {
            throw error
        } catch {
            throw V2XError(.ioFailure, "cannot write codebook: \(error.localizedDescription)", path: base.path)
        }
    }

    /// Reads a codebook written by `save(base:)` and checks its hash against the metadata.
    /// - Throws: `V2XError.malformedData` when the tensors do not match the recorded hash.
    public static func load(base: URL) throws -> ProductCodebook {
        let tensorURL = base.appendingPathExtension("safetensors")
        let jsonURL = base.appendingPathExtension("json")
        let meta: Metadata
        let file: (tensors: [String: SafetensorsFile.Tensor], metadata: [String: String])
        do {
            meta = try JSONDecoder().decode(Metadata.self, from: Data(contentsOf: jsonURL))
            file = try SafetensorsFile.decode(Data(contentsOf: tensorURL))
        } catch var error as V2XError {
            error.path = tensorURL.path
            throw error
        } catch {
            throw V2XError(.ioFailure, "cannot read codebook: \(error.localizedDescription)", path: base.path)
        }
        guard meta.format == "v2x-pq-1", let centroids = file.tensors["centroids"],
              centroids.shape == [meta.subspaces, meta.codesPerSubspace, meta.channels / max(meta.subspaces, 1)] else {
            throw V2XError(.malformedHeader, "codebook tensors do not match the metadata", path: tensorURL.path)
        }
        let codebook = try ProductCodebook(
            id: meta.id, modelID: meta.modelID, channels: meta.channels, subspaces: meta.subspaces,
            codesPerSubspace: meta.codesPerSubspace, centroids: centroids.values)
        guard codebook.metadata.sha256 == meta.sha256 else {
            throw V2XError(.malformedData, "codebook hash \(codebook.metadata.sha256) differs from the recorded \(meta.sha256)", path: tensorURL.path)
        }
        return codebook
    }
}
