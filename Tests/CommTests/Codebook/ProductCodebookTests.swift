import Comm
import Foundation
import Testing
import V2XCore
import V2XTestSupport

@Suite struct ProductCodebookTests {
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
        let d = codebook.subspaceDimension
        for i in 0..<300 {
            for s in 0..<codebook.subspaces {
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
        for (subspaces, codes) in [(1, 4), (1, 32), (4, 32)] {
            let cb = try ProductCodebook.train(id: "e", modelID: "m", vectors: vectors, count: count, channels: 8, subspaces: subspaces, codesPerSubspace: codes, iterations: 10, seed: 1)
            errors.append(try cb.relativeMSE(vectors: vectors, count: count))
        }
        #expect(errors[0] > errors[1] && errors[1] > errors[2])
        #expect(errors[2] < 0.05)
    }

    @Test func saveLoadRoundTripsAndDetectsTampering() throws {
        let dir = try TemporaryDirectory()
        let base = dir.file("pq")
        try CommFixtures.codebook.save(base: base)
        #expect(try ProductCodebook.load(base: base) == CommFixtures.codebook)
        var bytes = try [UInt8](Data(contentsOf: base.appendingPathExtension("safetensors")))
        bytes[bytes.count - 3] ^= 0x40  // flip a bit of a centroid
        try Data(bytes).write(to: base.appendingPathExtension("safetensors"))
        #expect(throws: V2XError.self) { try ProductCodebook.load(base: base) }
        try Data(bytes.prefix(20)).write(to: base.appendingPathExtension("safetensors"))
        #expect(throws: V2XError.self) { try ProductCodebook.load(base: base) }
    }

    @Test func decodeRejectsCodesOutsideTheCodebook() {
        #expect(throws: V2XError.self) { try CommFixtures.codebook.decode(codes: [0, 16]) }
        #expect(throws: V2XError.self) { try CommFixtures.codebook.decode(codes: [0]) }
    }
}
