import Comm
import Foundation
import Testing
import V2XCore
import V2XTestSupport

@Suite struct FeatureCodebookTests {
    /// 600 vectors of 8 values around 5 well-separated centres.
    func clustered(seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        let centres = (0..<5).map { k in (0..<8).map { _ in Float(k * 10) + Float.random(in: -1...1, using: &rng) } }
        return (0..<600).flatMap { i in centres[i % 5].map { $0 + Float.random(in: -0.1...0.1, using: &rng) } }
    }

    @Test func kMeansIsDeterministicAndFindsSeparatedClusters() throws {
        let v = clustered(seed: 1)
        let a = try KMeans.train(vectors: v, count: 600, dimension: 8, clusters: 5, iterations: 20, seed: 9)
        let b = try KMeans.train(vectors: v, count: 600, dimension: 8, clusters: 5, iterations: 20, seed: 9)
        #expect(a == b)
        let firsts = Set((0..<5).map { Int((a[$0 * 8] / 10).rounded()) })
        #expect(firsts == [0, 1, 2, 3, 4], "one centroid per true cluster")
        #expect(throws: V2XError.self) { try KMeans.train(vectors: [1, 2], count: 2, dimension: 1, clusters: 3, iterations: 1, seed: 0) }
        #expect(throws: V2XError.self) { try KMeans.train(vectors: [.nan, 2], count: 2, dimension: 1, clusters: 1, iterations: 1, seed: 0) }
    }

    @Test func encodingPicksTheNearestCentroidLikeBruteForce() throws {
        let codebook = CommFixtures.codebook
        var rng = SeededGenerator(seed: 5)
        let vectors = (0..<(300 * 8)).map { _ in Float.random(in: -1...1, using: &rng) }
        let codes = try codebook.encode(vectors: vectors, count: 300)
        let d = codebook.bookDimension
        for i in 0..<300 {
            for s in 0..<codebook.codesPerCell {
                func dist(_ k: Int) -> Float {
                    (0..<d).reduce(0) { acc, j in
                        let e = vectors[i * 8 + s * d + j] - codebook.centroids[(s * 16 + k) * d + j]
                        return acc + e * e
                    }
                }
                let best = (0..<16).min { dist($0) < dist($1) }!
                #expect(abs(dist(Int(codes[i * 2 + s])) - dist(best)) < 1e-4)
            }
        }
    }

    @Test func moreCodesAndSubspacesLowerTheReconstructionError() throws {
        var vectors: [Float] = []
        for seed in 10..<13 as Range<UInt64> { vectors += CommFixtures.features(seed: seed).0.values }
        let count = vectors.count / 8
        var errors: [Double] = []
        for (books, codes) in [(1, 4), (1, 32), (4, 32)] {
            let cb = try FeatureCodebook.train(id: "e", modelID: "m", vectors: vectors, count: count, channels: 8, codesPerCell: books, codesPerBook: codes, iterations: 10, seed: 1)
            errors.append(try cb.relativeMSE(vectors: vectors, count: count))
        }
        #expect(errors[0] > errors[1] && errors[1] > errors[2])
        #expect(errors[2] < 0.05)
    }

    @Test func residualBooksEachRemoveMoreOfTheError() throws {
        var vectors: [Float] = []
        for seed in 10..<13 as Range<UInt64> { vectors += CommFixtures.features(seed: seed).0.values }
        let count = vectors.count / 8
        let errors = try [1, 2, 4].map { books in
            try FeatureCodebook.train(id: "r", modelID: "m", quantization: .residual, vectors: vectors, count: count, channels: 8,
                                      codesPerCell: books, codesPerBook: 16, iterations: 10, seed: 1).relativeMSE(vectors: vectors, count: count)
        }
        #expect(errors[0] > errors[1] && errors[1] > errors[2])
        // One residual book is plain VQ over all channels, as is one product book.
        let vq = try FeatureCodebook.train(id: "v", modelID: "m", vectors: vectors, count: count, channels: 8,
                                           codesPerCell: 1, codesPerBook: 16, iterations: 10, seed: 1)
        #expect(abs(try vq.relativeMSE(vectors: vectors, count: count) - errors[0]) < 1e-9)
        // Three books need not divide the channels.
        _ = try FeatureCodebook.train(id: "r3", modelID: "m", quantization: .residual, vectors: vectors, count: count, channels: 8,
                                      codesPerCell: 3, codesPerBook: 8, iterations: 2, seed: 1)
    }

    @Test func residualCodesAreTheGreedyNearestAndDecodeToTheSum() throws {
        // Two books over 2 channels, by hand: book 0 = {(0,0), (10,0)}, book 1 = {(0,0), (0,1), (1,0)}.
        let codebook = try FeatureCodebook(id: "h", modelID: "m", quantization: .residual, channels: 2, codesPerCell: 2, codesPerBook: 3,
                                           centroids: [0, 0, 10, 0, 100, 100, 0, 0, 0, 1, 1, 0])
        // (9.2, 0.9): book 0 → (10, 0), residual (−0.8, 0.9) → (0, 1); sum (10, 1).
        let codes = try codebook.encode(vectors: [9.2, 0.9, 0.4, 0.1], count: 2)
        #expect(codes == [1, 1, 0, 0])
        #expect(try codebook.decode(codes: codes) == [10, 1, 0, 0])
        #expect(throws: V2XError.self) { try codebook.decode(codes: [0, 3]) }
        #expect(throws: V2XError.self) {
            try FeatureCodebook(id: "p", modelID: "m", quantization: .product, channels: 3, codesPerCell: 2, codesPerBook: 2, centroids: [])
        }
    }

    @Test func saveLoadRoundTripsAndDetectsTampering() throws {
        let dir = try TemporaryDirectory()
        let residual = try FeatureCodebook(id: "h", modelID: "m", quantization: .residual, channels: 2, codesPerCell: 2, codesPerBook: 2,
                                           centroids: [0, 0, 10, 0, 0, 0, 0, 1])
        try residual.save(base: dir.file("rq"))
        #expect(try FeatureCodebook.load(base: dir.file("rq")) == residual)
        #expect(residual.hash != (try FeatureCodebook(id: "h", modelID: "m", quantization: .product, channels: 2, codesPerCell: 2,
                                                      codesPerBook: 2, centroids: [0, 0, 10, 0]).hash))
        let base = dir.file("pq")
        try CommFixtures.codebook.save(base: base)
        #expect(try FeatureCodebook.load(base: base) == CommFixtures.codebook)
        var bytes = try [UInt8](Data(contentsOf: base.appendingPathExtension("safetensors")))
        bytes[bytes.count - 3] ^= 0x40  // flip a bit of a centroid
        try Data(bytes).write(to: base.appendingPathExtension("safetensors"))
        #expect(throws: V2XError.self) { try FeatureCodebook.load(base: base) }
        try Data(bytes.prefix(20)).write(to: base.appendingPathExtension("safetensors"))
        #expect(throws: V2XError.self) { try FeatureCodebook.load(base: base) }
    }

    @Test func decodeRejectsCodesOutsideTheCodebook() {
        #expect(throws: V2XError.self) { try CommFixtures.codebook.decode(codes: [0, 16]) }
        #expect(throws: V2XError.self) { try CommFixtures.codebook.decode(codes: [0]) }
    }
}
