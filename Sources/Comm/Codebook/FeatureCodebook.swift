import Crypto
import Foundation
import V2XCore

/// A codebook for BEV feature vectors: a cell is sent as `codesPerCell` codes of
/// `codeBits = ceil(log2(codesPerBook))` bits each, one from each of `codesPerCell` books of
/// `codesPerBook` centroids learnt by k-means++. Two ways to use the books:
///
/// - `product` (Jégou et al. 2011): the `channels` are split into `codesPerCell` equal
///   slices, one book per slice; decoding concatenates the picked centroids.
///   ```
///   cell [c0 … c7 | c8 … c15 | … | c56 … c63]   64 channels, 8 books of 8 channels
///          code 0      code 1          code 7     8 codes × 8 bits = 8 bytes (vs 256 fp32)
///   ```
/// - `residual` (Juang & Gray 1982; RVQ): every book spans all channels; book 0 quantizes the
///   vector, book `s` the residual left by books `0..<s` (greedy nearest); decoding sums
///   the picked centroids. Same bytes per cell for the same shape, a different error.
///
/// One book is plain vector quantization either way. `centroids` is laid out
/// `[book][code][channel in the book]`, row-major.
public struct FeatureCodebook: Sendable, Equatable {
    /// How the books combine.
    public enum Quantization: String, Sendable, Codable, CaseIterable {
        case product, residual
    }

    /// Human-readable id (goes on the wire with `hash`).
    public let id: String
    /// The perception model whose features this codebook quantizes.
    public let modelID: String
    public let quantization: Quantization
    public let channels: Int
    /// Books, and so codes sent per cell.
    public let codesPerCell: Int
    public let codesPerBook: Int
    /// `codesPerCell × codesPerBook × bookDimension` values.
    public let centroids: [Float]
    /// SHA-256 over the kind, the shape and the centroids (see `computeHash`).
    public let hash: [UInt8]
    /// Per book, the centroids laid out for `NearestCode`.
    private let layouts: [NearestCode.Layout]

    /// Channels each book's centroids span: a slice (product) or all of them (residual).
    public var bookDimension: Int { Self.bookDimension(quantization, channels: channels, books: codesPerCell) }
    /// Bits per code on the wire.
    public var codeBits: Int { BitPacker.bitsPerCode(forCodebookSize: codesPerBook) }

    static func bookDimension(_ q: Quantization, channels: Int, books: Int) -> Int {
        q == .product ? channels / max(books, 1) : channels
    }

    /// What a message names this codebook by.
    public var reference: CodebookReference {
        CodebookReference(modelID: modelID, codebookID: id, hash: hash, codeBits: codeBits, codesPerCell: codesPerCell)
    }

    /// Wraps learnt centroids.
    /// - Throws: `V2XError.invalidArgument` when a product codebook's books do not divide
    ///   `channels`, `.shapeMismatch` when the centroid count disagrees with the shape,
    ///   `.nonFiniteValue` for NaN centroids.
    public init(id: String, modelID: String, quantization: Quantization, channels: Int, codesPerCell: Int, codesPerBook: Int, centroids: [Float]) throws {
        guard channels >= 1, codesPerCell >= 1, codesPerCell <= 64, quantization == .residual || channels % codesPerCell == 0,
              codesPerBook >= 1, codesPerBook <= 1 << 16 else {
            throw V2XError(.invalidArgument, "\(codesPerCell) books of \(codesPerBook) codes do not fit \(channels) channels (\(quantization.rawValue); 1…64 books, 1…65536 codes)")
        }
        let d = Self.bookDimension(quantization, channels: channels, books: codesPerCell)
        guard centroids.count == codesPerCell * codesPerBook * d else {
            throw V2XError(.shapeMismatch, "expected \(codesPerCell * codesPerBook * d) centroid values, got \(centroids.count)")
        }
        guard centroids.allSatisfy(\.isFinite) else { throw V2XError(.nonFiniteValue, "codebook holds NaN or infinity") }
        self.id = id; self.modelID = modelID; self.quantization = quantization; self.channels = channels
        self.codesPerCell = codesPerCell; self.codesPerBook = codesPerBook; self.centroids = centroids
        self.layouts = try (0..<codesPerCell).map { s in
            try NearestCode.Layout(
                centroids: Array(centroids[(s * codesPerBook * d)..<((s + 1) * codesPerBook * d)]),
                count: codesPerBook, dimension: d)
        }
        self.hash = Self.computeHash(quantization: quantization, channels: channels, codesPerCell: codesPerCell, codesPerBook: codesPerBook, centroids: centroids)
    }

    /// The file format tag, also the hash's prefix: `v2x-pq-1` or `v2x-rq-1`.
    public static func formatTag(_ q: Quantization) -> String { q == .product ? "v2x-pq-1" : "v2x-rq-1" }

    /// SHA-256 of `tag || channels, books, codes per book (u32 LE) || centroids (f32 LE)`,
    /// `tag` = `formatTag(quantization)`.
    public static func computeHash(quantization: Quantization, channels: Int, codesPerCell: Int, codesPerBook: Int, centroids: [Float]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: Array(formatTag(quantization).utf8))
        for v in [channels, codesPerCell, codesPerBook] {
            withUnsafeBytes(of: UInt32(v).littleEndian) { hasher.update(bufferPointer: $0) }
        }
        for v in centroids { withUnsafeBytes(of: v.bitPattern.littleEndian) { hasher.update(bufferPointer: $0) } }
        return Array(hasher.finalize())
    }

    /// Learns a codebook from `count` feature vectors of `channels` values each (e.g. the
    /// cells of training feature maps), deterministically for a given seed. A residual
    /// codebook learns its books in order, each on what the books before it left.
    public static func train(
        id: String, modelID: String, quantization: Quantization = .product, vectors: [Float], count: Int, channels: Int,
        codesPerCell: Int, codesPerBook: Int, iterations: Int = 25, seed: UInt64
    ) throws -> FeatureCodebook {
        guard channels >= 1, codesPerCell >= 1, quantization == .residual || channels % codesPerCell == 0 else {
            throw V2XError(.invalidArgument, "\(codesPerCell) product books must divide \(channels) channels")
        }
        guard vectors.count == count * channels else {
            throw V2XError(.shapeMismatch, "\(vectors.count) values for \(count) vectors of \(channels)")
        }
        let d = bookDimension(quantization, channels: channels, books: codesPerCell)
        var centroids: [Float] = []
        centroids.reserveCapacity(codesPerCell * codesPerBook * d)
        var residual = vectors
        for s in 0..<codesPerCell {
            let data = quantization == .product ? gather(vectors, count: count, channels: channels, from: s * d, width: d) : residual
            let book = try KMeans.train(
                vectors: data, count: count, dimension: d, clusters: codesPerBook, iterations: iterations, seed: seed &+ UInt64(s))
            centroids += book
            if quantization == .residual, s + 1 < codesPerCell {
                let layout = try NearestCode.Layout(centroids: book, count: codesPerBook, dimension: d)
                try subtractNearest(from: &residual, count: count, dimension: d, book: book, layout: layout)
            }
        }
        return try FeatureCodebook(id: id, modelID: modelID, quantization: quantization, channels: channels,
                                   codesPerCell: codesPerCell, codesPerBook: codesPerBook, centroids: centroids)
    }

    /// Encodes `count` vectors of `channels` values to `count × codesPerCell` codes (cell-major).
    public func encode(vectors: [Float], count: Int) throws -> [UInt32] {
        guard vectors.count >= count * channels else {
            throw V2XError(.shapeMismatch, "\(vectors.count) values for \(count) vectors of \(channels)")
        }
        let d = bookDimension
        var codes = [UInt32](repeating: 0, count: count * codesPerCell)
        var residual = quantization == .residual ? Array(vectors[0..<(count * channels)]) : []
        for s in 0..<codesPerCell {
            let bookCodes: [UInt32]
            switch quantization {
            case .product:
                bookCodes = try NearestCode.assign(vectors: vectors, count: count, stride: channels, offset: s * d, layout: layouts[s])
            case .residual:
                bookCodes = try NearestCode.assign(vectors: residual, count: count, stride: channels, offset: 0, layout: layouts[s])
                if s + 1 < codesPerCell { subtract(book: s, codes: bookCodes, from: &residual) }
            }
            for i in 0..<count { codes[i * codesPerCell + s] = bookCodes[i] }
        }
        return codes
    }

    /// Decodes codes (cell-major, `codesPerCell` per vector) back to vectors by lookup
    /// (concatenated for product, summed for residual).
    /// - Throws: `V2XError.malformedData` for a code ≥ `codesPerBook` or a partial cell.
    public func decode(codes: [UInt32]) throws -> [Float] {
        guard codes.count % codesPerCell == 0 else {
            throw V2XError(.malformedData, "\(codes.count) codes is not a whole number of \(codesPerCell)-code cells")
        }
        let d = bookDimension
        var out = [Float](repeating: 0, count: codes.count / codesPerCell * channels)
        for (i, code) in codes.enumerated() {
            guard Int(code) < codesPerBook else {
                throw V2XError(.malformedData, "code \(code) outside a codebook of \(codesPerBook)")
            }
            let s = i % codesPerCell
            let cell = i / codesPerCell
            let src = (s * codesPerBook + Int(code)) * d
            switch quantization {
            case .product:
                let dst = cell * channels + s * d
                for j in 0..<d { out[dst + j] = centroids[src + j] }
            case .residual:
                let dst = cell * channels
                for j in 0..<d { out[dst + j] += centroids[src + j] }
            }
        }
        return out
    }

    /// `residual[i] −= centroid(book, codes[i])` for every vector.
    private func subtract(book: Int, codes: [UInt32], from residual: inout [Float]) {
        let d = bookDimension
        for (i, code) in codes.enumerated() {
            let src = (book * codesPerBook + Int(code)) * d
            for j in 0..<d { residual[i * channels + j] -= centroids[src + j] }
        }
    }

    /// Training's version of `subtract`: the nearest centroid of a freshly learnt `book`.
    private static func subtractNearest(from residual: inout [Float], count: Int, dimension d: Int, book: [Float], layout: NearestCode.Layout) throws {
        let codes = try NearestCode.assign(vectors: residual, count: count, stride: d, offset: 0, layout: layout)
        for (i, code) in codes.enumerated() {
            let src = Int(code) * d
            for j in 0..<d { residual[i * d + j] -= book[src + j] }
        }
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
