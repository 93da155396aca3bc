import Foundation
import Perception
import Quant
import Testing
import V2XCore
import V2XTestSupport

/// Empirical bias correction of the int8 encoder's layers.
@Suite struct BiasCorrectionTests {
    private static let sweeps = (UInt64(100)..<104).map(Int8EncoderTests.cloud(seed:))

    private static func corrected(_ detector: BEVDetector, keepFP32: [String] = []) throws -> CalibrationTable {
        var calibrator = try EncoderCalibrator(detector: detector)
        for seed in UInt64(100)..<108 { try calibrator.observe(Int8EncoderTests.cloud(seed: seed)) }
        let table = try calibrator.table(model: "test", observer: .percentile(99.9), calibrationData: "synthetic", keepFP32: keepFP32)
        return try calibrator.correctingBiases(of: table, on: sweeps)
    }

    /// Mean over channels of |mean over cells and sweeps of (fp32 − int8)|: the systematic
    /// part of the features' error, which bias correction targets.
    private static func channelBias(_ detector: BEVDetector, _ encoder: Int8Encoder, seeds: Range<UInt64>) throws -> Double {
        let c = detector.config.featureChannels
        var sums = [Double](repeating: 0, count: c), cells = 0
        for seed in seeds {
            let points = Int8EncoderTests.cloud(seed: seed)
            let reference = try detector.encode(points).map.values, approximation = try encoder.encode(points).map.values
            for (k, (r, a)) in zip(reference, approximation).enumerated() { sums[k % c] += Double(r - a) }
            cells += reference.count / c
        }
        return sums.reduce(0) { $0 + abs($1) / Double(cells) } / Double(c)
    }

    /// Positive biases, as in the trained model: empty cells (most of a BEV map) then hold
    /// ReLU(bias), a constant per channel that int8 rounds the same way everywhere.
    @Test func correctionRemovesMostOfTheSystematicError() throws {
        let detector = try Int8EncoderTests.detector(biases: 0.2...1.0)
        let table = try Self.corrected(detector)
        var plain = table
        for i in plain.layers.indices { plain.layers[i].biasCorrection = nil }
        let before = try Self.channelBias(detector, Int8Encoder(detector: detector, table: plain), seeds: 1..<4)
        let after = try Self.channelBias(detector, Int8Encoder(detector: detector, table: table), seeds: 1..<4)
        #expect(after < before / 2, "mean per-channel error \(before) → \(after)")
        let sqnr = try Int8EncoderTests.sqnr(detector, Int8Encoder(detector: detector, table: table), seeds: 1..<4)
        #expect(sqnr > 25)
        #expect(zip(table.layers, EncoderLayers.outputChannels(for: detector.config)).allSatisfy { $0.biasCorrection?.count == $1 })
    }

    @Test func fp32LayersGetNoCorrectionAndTheTableRoundTrips() throws {
        let detector = try Int8EncoderTests.detector()
        let table = try Self.corrected(detector, keepFP32: ["stage2.0"])
        #expect(table.layers.map { $0.biasCorrection == nil } == [false, false, false, true, false, false])
        let dir = try TemporaryDirectory()
        try table.write(to: dir.file("int8.json"))
        #expect(try CalibrationTable.load(from: dir.file("int8.json")) == table)
    }

    @Test func badCorrectionsAreTypedErrors() throws {
        let detector = try Int8EncoderTests.detector()
        let table = try Self.corrected(detector, keepFP32: ["stage2.0"])
        for edit: (inout CalibrationTable) -> Void in [
            { $0.layers[1].biasCorrection?.removeLast() },
            { $0.layers[2].biasCorrection?[0] = .nan },
            { $0.layers[3].biasCorrection = [Float](repeating: 0, count: 16) },
        ] {
            var edited = table
            edit(&edited)
            do {
                _ = try Int8Encoder(detector: detector, table: edited)
                Issue.record("an invalid bias correction was accepted")
            } catch let error as V2XError {
                #expect(error.code == .malformedData, "\(error)")
            }
        }
        let calibrator = try EncoderCalibrator(detector: detector)
        #expect(throws: V2XError.self) { try calibrator.correctingBiases(of: table, on: []) }
    }
}
