import Foundation
@testable import Fusion
import Testing
import V2XCore
import V2XTestSupport

@Suite struct BoxRescorerTests {
    static func evidence(score: Double, added: Bool = false, support: Double = 0, witnesses: Int = 0, own: Int = 0, through: Int = 0) -> BoxEvidence {
        BoxEvidence(score: score, added: added, collaboratorSupport: support, collaboratorWitnesses: witnesses, ownSupport: 0,
                    ownReturns: own, receivedReturns: 0, raysThrough: through, rangeMeters: 20)
    }

    @Test func theScoreIsTheLogisticOfTheWeightedFeatures() throws {
        var weights = [Double](repeating: 0, count: BoxEvidence.featureNames.count)
        weights[0] = -1; weights[1] = 1                                  // bias, score logit
        let rescorer = try BoxRescorer(weights: weights)
        // σ(−1 + logit 0.5) = σ(−1).
        #expect(abs(rescorer.score(Self.evidence(score: 0.5)) - 1 / (1 + exp(1))) < 1e-12)
        #expect(Self.evidence(score: 0.5, through: 3).features.count == BoxEvidence.featureNames.count)
        #expect(abs(Self.evidence(score: 0.5, own: 1, through: 3).features.last! - 0.6) < 1e-12)   // 3 / (3 + 1 + 1)
    }

    @Test func fittingLearnsWhichEvidenceMarksARealObject() throws {
        // Real objects: a collaborator also found them; ghosts: the ego's rays went through them.
        // Their head scores overlap, so the score alone cannot tell them apart.
        var rng = SeededGenerator(seed: 5)
        var samples: [(evidence: BoxEvidence, positive: Bool)] = []
        for k in 0..<400 {
            let real = k % 2 == 0
            let score = Double.random(in: 0.1...0.6, using: &rng)
            let clear = Double.random(in: 0...1, using: &rng) < 0.9
            samples.append((Self.evidence(score: score, support: real == clear ? Double.random(in: 0.4...0.9, using: &rng) : 0,
                                          witnesses: real == clear ? 1 : 0, own: real ? 20 : 1, through: real ? 0 : 30), real))
        }
        let rescorer = try BoxRescorer.fit(samples)
        let ranked = samples.sorted { rescorer.score($0.evidence) > rescorer.score($1.evidence) }
        // Every real object ranks above every ghost.
        #expect(ranked.prefix(200).allSatisfy { $0.positive })
        let names = BoxEvidence.featureNames
        #expect(rescorer.weights[names.firstIndex(of: "collaborator_support")!] > 0)
        #expect(rescorer.weights[names.firstIndex(of: "log_rays_through")!] < 0 || rescorer.weights[names.firstIndex(of: "through_fraction")!] < 0)
        #expect(throws: V2XError.self) { try BoxRescorer.fit(samples.filter(\.positive)) }
    }

    @Test func aRescorerRoundTripsThroughItsFileAndBadFilesAreTypedErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rescorer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try BoxRescorer.load(from: folder) == nil)
        let rescorer = try BoxRescorer(weights: (0..<BoxEvidence.featureNames.count).map { Double($0) / 10 }, provenance: ["samples": "3"])
        try rescorer.save(to: folder)
        #expect(try BoxRescorer.load(from: folder) == rescorer)
        let file = folder.appendingPathComponent(BoxRescorer.fileName)
        for broken in ["{\"features\": [\"bias\"], \"weights\": [1], \"provenance\": {}}", "{\"weights\": ", "[]"] {
            try Data(broken.utf8).write(to: file)
            #expect(throws: V2XError.self) { try BoxRescorer.load(from: file.deletingLastPathComponent()) }
        }
        #expect(throws: V2XError.self) { try BoxRescorer(weights: [1, 2]) }
        #expect(throws: V2XError.self) { try BoxRescorer(weights: [Double](repeating: .nan, count: BoxEvidence.featureNames.count)) }
    }
}
