import Crypto
import Foundation
import V2XCore

/// A product-quantization codebook for BEV feature vectors (Jégou et al. 2011).
///
/// The `channels` of a cell are split into `subspaces` equal slices; each slice has its
/// own `codesPerSubspace` centroids learnt by k-means++. A cell is sent as `subspaces`
/// codes of `codeBits = ceil(log2(codesPerSubspace))` bits each:
///
/// ```
/// cell [c0 … c7 | c8 … c15 | … | c56 … c63]   64 channels, 8 subspaces of 8
///        code 0      code 1          code 7     8 codes × 8 bits = 8 bytes (vs 256 fp32)
/// ```
/// One subspace is plain vector quantization. `centroids` is laid out
/// `[subspace][code][channel in slice]`, row-major.
public struct ProductCodebook: Sendable, Equatable {
    /// Human-readable id (goes on the wire with `hash`).
    public let id: String
    /// The perception model whose features this codebook quantizes.
    public let modelID: String
    public let channels: Int
    public let subspaces: Int
    public let codesPerSubspace: Int
    /// `subspaces × codesPerSubspace × subspaceDimension` values.
    public let centroids: [Float]
    /// SHA-256 over the shape and the centroids (see `computeHash`).
    public let hash: [UInt8]
    /// Per subspace, the centroids laid out for `NearestCode`.
    private let layouts: [NearestCode.Layout]

    /// Channels per subspace.
    public var subspaceDimension: Int { channels / subspaces }
    /// Bits per code on the wire.
    public var codeBits: Int { BitPacker.bitsPerCode(forCodebookSize: codesPerSubspace) }

    /// What a message names this codebook by.
    public var reference: CodebookReference {
        CodebookReference(modelID: modelID, codebookID: id, hash: hash, codeBits: codeBits, codesPerCell: subspaces)
    }

    /// Wraps learnt centroids.
    /// - Throws: `V2XError.invalidArgument` when `subspaces` does not divide `channels` or
    ///   the centroid count disagrees with the shape; `.nonFiniteValue` for NaN centroids.
    public init(id: String, modelID: String, channels: Int, subspaces: Int, codesPerSubspace: Int, centroids: [Float]) throws {
        guard channels >= 1, subspaces >= 1, channels % subspaces == 0, codesPerSubspace >= 1,
              codesPerSubspace <= 1 << 16 else {
            throw V2XError(.invalidArgument, "\(subspaces) subspaces must divide \(channels) channels; 1…65536 codes")
        }
        guard centroids.count == channels * codesPerSubspace else {
            throw V2XError(.shapeMismatch, "expected \(channels * codesPerSubspace) centroid values, got \(centroids.count)")
        }
        guard centroids.allSatisfy(\.isFinite) else { throw V2XError(.nonFiniteValue, "codebook holds NaN or infinity") }
        self.id = id; self.modelID = modelID; self.channels = channels; self.subspaces = subspaces
        self.codesPerSubspace = codesPerSubspace; self.centroids = centroids
        let d = channels / subspaces
        self.layouts = try (0..<subspaces).map { s in
            try NearestCode.Layout(
                centroids: Array(centroids[(s * codesPerSubspace * d)..<((s + 1) * codesPerSubspace * d)]),
                count: codesPerSubspace, dimension: d)
        }
        self.hash = Self.computeHash(channels: channels, subspaces: subspaces, codesPerSubspace: codesPerSubspace, centroids: centroids)
    }

    /// SHA-256 of `"v2x-pq-1" || channels, subspaces, codes (u32 LE) || centroids (f32 LE)`.
    public static func computeHash(channels: Int, subspaces: Int, codesPerSubspace: Int, centroids: [Float]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array("v2x-pq-1".utf8))
        for v in [channels, subspaces, codesPerSubspace] {
            withUnsafeBytes(of: UInt32(v).littleEndian) { hasher.update(bufferPointer: $0) }
        }
        for v in centroids { withUnsafeBytes(of: v.bitPattern.littleEndian) { hasher.update(bufferPointer: $0) } }
        return Array(hasher.finalize())
    }

    /// Learns a codebook from `count` feature vectors of `channels` values each (e.g. the
    /// cells of training feature maps), deterministically for a given seed.
    public static func train(
        id: String, modelID: String, vectors: [Float], count: Int, channels: Int,
        subspaces: Int, codesPerSubspace: Int, iterations: Int = 25, seed: UInt64
    ) throws -> ProductCodebook {
        guard channels >= 1, subspaces >= 1, channels % subspaces == 0 else {
            throw V2XError(.invalidArgument, "\(subspaces) subspaces must divide \(channels) channels")
        }
        guard vectors.count == count * channels else {
            throw V2XError(.shapeMismatch, "\(vectors.count) values for \(count) vectors of \(channels)")
        }
        let d = channels / subspaces
        var centroids: [Float] = []
        centroids.reserveCapacity(channels * codesPerSubspace)
        for s in 0..<subspaces {
            let slice = gather(vectors, count: count, channels: channels, from: s * d, width: d)
            centroids += try KMeans.train(
                vectors: slice, count: count, dimension: d, clusters: codesPerSubspace,
                iterations: iterations, seed: seed &+ UInt64(s))
        }
        return try ProductCodebook(id: id, modelID: modelID, channels: channels, subspaces: subspaces, codesPerSubspace: codesPerSubspace, centroids: centroids)
    }

    /// Encodes `count` vectors of `channels` values to `count × subspaces` codes (cell-major).
    public func encode(vectors: [Float], count: Int) throws -> [UInt32] {
        guard vectors.count >= count * channels else {
            throw V2XError(.shapeMismatch, "\(vectors.count) values for \(count) vectors of \(channels)")
        }
        let d = subspaceDimension
        var codes = [UInt32](repeating: 0, count: count * subspaces)
        for s in 0..<subspaces {
            let subCodes = try NearestCode.assign(
                vectors: vectors, count: count, stride: channels, offset: s * d, layout: layouts[s])
            for i in 0..<count { codes[i * subspaces + s] = subCodes[i] }
        }
        return codes
    }

    /// Decodes codes (cell-major, `subspaces` per vector) back to vectors by lookup.
    /// - Throws: `V2XError.malformedData` for a code ≥ `codesPerSubspace` or a partial cell.
    public func decode(codes: [UInt32]) throws -> [Float] {
        guard codes.count % subspaces == 0 else {
            throw V2XError(.malformedData, "\(codes.count) codes is not a whole number of \(subspaces)-code cells")
        }
        let d = subspaceDimension
        var out = [Float](repeating: 0, count: codes.count / subspaces * channels)
        for (i, code) in codes.enumerated() {
            guard Int(code) < codesPerSubspace else {
                throw V2XError(.malformedData, "code \(code) outside a codebook of \(codesPerSubspace)")
            }
            let s = i % subspaces
            let cell = i / subspaces
            let src = (s * codesPerSubspace + Int(code)) * d
            let dst = cell * channels + s * d
            for j in 0..<d { out[dst + j] = centroids[src + j] }
        }
        return out
    }

    /// Relative reconstruction error `Σ(x − x̂)² / Σx²` of encoding then decoding `vectors`.
    public func relativeMSE(vectors: [Float], count: Int) throws -> Double {
        let decoded = try decode(codes: encode(vectors: vectors, count: count))
        var error = 0.0, energy = 0.0
        for i in 0..<(count * channels) {
            let e = Double(vectors[i] - decoded[i])
            error += e * e
            energy += Double(vectors[i]) * Double(vectors[i])
        }
        return energy > 0 ? error / energy : 0
    }

    static func gather(_ vectors: [Float], count: Int, channels: Int, from start: Int, width: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * width)
        for i in 0..<count {
            for j in 0..<width { out[i * width + j] = vectors[i * channels + start + j] }
        }
        return out
    }
}
