import Foundation
@testable import Perception
import Quant
import Testing
import V2XCore
import V2XTestSupport

/// The int8 head against the fp32 head on the random-weights detector of `Int8EncoderTests`.
@Suite struct Int8HeadTests {
    static func features(_ detector: BEVDetector, seed: UInt64) throws -> BEVFeatures {
        try detector.encode(Int8EncoderTests.cloud(seed: seed))
    }

    @Test func headOutputIsCloseToFP32() throws {
        let detector = try Int8EncoderTests.detector()
        let int8 = try detector.withInt8Head()
        var noise = QuantizationNoise()
        for seed in UInt64(1)..<4 {
            let features = try Self.features(detector, seed: seed)
            try noise.add(reference: detector.headOutput(features).values, approximation: int8.headOutput(features).values)
        }
        #expect(noise.decibels > 30, "head output SQNR \(noise.decibels) dB")
    }

    @Test func fusedHeadKeepsRunningInInt8() throws {
        let int8 = try Int8EncoderTests.detector().withInt8Head()
        let other = try Int8EncoderTests.detector(seed: 9)
        let replaced = try int8.replacingHead(with: other.headTensors)
        #expect(replaced.int8Head != nil)
        #expect(replaced.int8Head == (try Int8Head(network: other.network)))
    }

    @Test func inputRangeIgnoresNonFiniteValuesAndCoversZero() throws {
        let detector = try Int8EncoderTests.detector()
        let head = try Int8Head(network: detector.network)
        var features = try Self.features(detector, seed: 2).map
        let largest = features.values.max()!
        features.values[3] = .nan
        features.values[40] = .infinity
        features.values[41] = -.infinity
        let q = try head.inputQuantization(of: features)
        #expect(q.zeroPoint == 0)
        #expect(abs(q.scale * 255 - largest) <= largest * 1e-6)
        let output = try head.forward(features)
        #expect(output.values.allSatisfy { $0.isFinite })
    }

    @Test(arguments: [0, 1, 15, 16, 17, 1000, 1003])
    func finiteRangeMatchesAScalarScan(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count))
        var values = (0..<count).map { _ in Float.random(in: -3...5, using: &rng) }
        for i in stride(from: 0, to: count, by: 7) { values[i] = [.nan, .infinity, -.infinity][i % 3] }
        let finite = values.filter(\.isFinite)
        let range = Int8Head.finiteRange(of: values)
        if finite.isEmpty {
            #expect(range == nil)
        } else {
            #expect(range?.lower == finite.min())
            #expect(range?.upper == finite.max())
        }
    }

    @Test func anAllZeroMapRunsAndAMapWithoutFiniteValuesIsRefused() throws {
        let detector = try Int8EncoderTests.detector()
        let head = try Int8Head(network: detector.network)
        let grid = detector.config.featureGrid
        let zeros = FeatureMap(height: grid.height, width: grid.width, channels: detector.config.featureChannels)
        let output = try head.forward(zeros)
        #expect(output.values.allSatisfy { $0.isFinite })
        var nans = zeros
        for i in nans.values.indices { nans.values[i] = .nan }
        #expect(throws: V2XError.self) { try head.forward(nans) }
    }

    @Test func aMapWithTheWrongChannelsIsRefused() throws {
        let detector = try Int8EncoderTests.detector()
        let head = try Int8Head(network: detector.network)
        #expect(throws: V2XError.self) { try head.forward(FeatureMap(height: 4, width: 4, channels: 3)) }
    }
}
