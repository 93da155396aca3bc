import Foundation
import V2XCore

extension FeatureCodebook {
    /// The JSON metadata written beside the tensors (`<name>.json`).
    public struct Metadata: Codable, Sendable, Equatable {
        /// `v2x-pq-1` (product) or `v2x-rq-1` (residual): `FeatureCodebook.formatTag`.
        public var format: String
        public var id: String
        public var modelID: String
        public var channels: Int
        public var codesPerCell: Int
        public var codesPerBook: Int
        public var codeBits: Int
        /// Lower-case hex SHA-256 (see `FeatureCodebook.computeHash`).
        public var sha256: String
    }

    /// The metadata of this codebook.
    public var metadata: Metadata {
        Metadata(
            format: Self.formatTag(quantization), id: id, modelID: modelID, channels: channels, codesPerCell: codesPerCell,
            codesPerBook: codesPerBook, codeBits: codeBits, sha256: hash.map { String(format: "%02x", $0) }.joined())
    }

    /// Writes `<base>.safetensors` (tensor `centroids`, shape `[books, codes, book dimension]`)
    /// and `<base>.json` (metadata); `base` is a path without extension.
    public func save(base: URL) throws {
        let tensors = ["centroids": SafetensorsFile.Tensor(shape: [codesPerCell, codesPerBook, bookDimension], values: centroids)]
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
    public static func load(base: URL) throws -> FeatureCodebook {
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
        guard let quantization = Quantization.allCases.first(where: { formatTag($0) == meta.format }) else {
            throw V2XError(.unsupportedFormat, "codebook format '\(meta.format)' is neither v2x-pq-1 nor v2x-rq-1", path: jsonURL.path)
        }
        let dimension = bookDimension(quantization, channels: meta.channels, books: meta.codesPerCell)
        guard let centroids = file.tensors["centroids"], centroids.shape == [meta.codesPerCell, meta.codesPerBook, dimension] else {
            throw V2XError(.malformedHeader, "codebook tensors do not match the metadata", path: tensorURL.path)
        }
        let codebook = try FeatureCodebook(
            id: meta.id, modelID: meta.modelID, quantization: quantization, channels: meta.channels, codesPerCell: meta.codesPerCell,
            codesPerBook: meta.codesPerBook, centroids: centroids.values)
        guard codebook.metadata.sha256 == meta.sha256 else {
            throw V2XError(.malformedData, "codebook hash \(codebook.metadata.sha256) differs from the recorded \(meta.sha256)", path: tensorURL.path)
        }
        return codebook
    }
}
