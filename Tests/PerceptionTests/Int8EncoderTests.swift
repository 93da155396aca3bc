import Foundation
@testable import Perception
import Quant
import Testing
import V2XCore
import V2XTestSupport

/// The int8 encoder against the fp32 one on a small random-weights detector.
@Suite struct Int8EncoderTests {
    /// A random-weights detector with the default architecture's depth on a 32×32 grid,
    /// biases drawn from `biases`.
    static func detector(seed: UInt64 = 7, biases: ClosedRange<Float> = -0.2...0.2) throws -> BEVDetector {
        let config = DetectorConfig(
            grid: try BEVGrid(minX: -6.4, maxX: 6.4, minY: -6.4, maxY: 6.4, cellSizeMeters: 0.4),
            minZMeters: -3, maxZMeters: 3, classes: [.vehicle],
            pillarChannels: 8, stage1Channels: 8, stage1Convs: 2, stage2Channels: 16, stage2Convs: 2,
            upsampleChannels: 8, headChannels: 8, maxDetections: 10, scoreThreshold: 0.1, nmsIoUThreshold: 0.1)
        var rng = SplitMix64(seed: seed)
        var network = try DetectorNetwork(config: config, using: &rng)
        // Non-zero biases, as a trained model has, so the bias quantization is exercised.
        try network.assign(network.tensors.map { t in
            t.name.hasSuffix(".bias") ? t.values.map { _ in Float.random(in: biases, using: &rng) } : t.values
        })
        return try BEVDetector(network: network)
    }

    /// Ground with a few box-shaped blobs, spread over the 12.8 m grid.
    static func cloud(seed: UInt64) -> PointCloud {
        var rng = SplitMix64(seed: seed)
        var c = PointCloud()
        for _ in 0..<4 {
            let (cx, cy) = (Float.random(in: -5...5, using: &rng), Float.random(in: -5...5, using: &rng))
            for _ in 0..<150 {
                c.append(x: cx + Float.random(in: -1...1, using: &rng), y: cy + Float.random(in: -0.6...0.6, using: &rng),
                         z: Float.random(in: -1.5...0, using: &rng), intensity: Float.random(in: 0...1, using: &rng))
            }
        }
        for _ in 0..<400 {
            c.append(x: Float.random(in: -6.4...6.4, using: &rng), y: Float.random(in: -6.4...6.4, using: &rng),
                     z: -1.7 + Float.random(in: -0.05...0.05, using: &rng), intensity: 0.1)
        }
        return c
    }

    static func table(_ detector: BEVDetector, observer: ActivationObserver = .minMax, keepFP32: [String] = []) throws -> CalibrationTable {
        var calibrator = try EncoderCalibrator(detector: detector)
        for seed in UInt64(100)..<108 { try calibrator.observe(cloud(seed: seed)) }
        return try calibrator.table(model: "test", observer: observer, calibrationData: "synthetic", keepFP32: keepFP32)
    }

    static func sqnr(_ detector: BEVDetector, _ encoder: Int8Encoder, seeds: Range<UInt64>) throws -> Double {
        var noise = QuantizationNoise()
        for seed in seeds {
            let points = cloud(seed: seed)
            try noise.add(reference: detector.encode(points).map.values, approximation: encoder.encode(points).map.values)
        }
        return noise.decibels
    }

    @Test func int8FeaturesAreCloseToFP32AndFeedTheHead() throws {
        let detector = try Self.detector()
        for observer in [ActivationObserver.minMax, try .percentile(99.99)] {
            let encoder = try Int8Encoder(detector: detector, table: Self.table(detector, observer: observer))
            let features = try encoder.encode(Self.cloud(seed: 1), sensorToWorld: .identity)
            #expect(features.grid == detector.config.featureGrid)
            #expect(features.map.channels == detector.config.featureChannels)
            #expect(features.map.values.allSatisfy { $0 >= 0 && $0.isFinite })
            _ = try detector.detect(features)
            let db = try Self.sqnr(detector, encoder, seeds: 1..<4)
            #expect(db > 25, "features SQNR \(db) dB with \(observer)")
        }
    }

    @Test func everyLayerAloneIsCloseToFP32() throws {
        let detector = try Self.detector()
        let encoder = try Int8Encoder(detector: detector, table: Self.table(detector))
        var report = try QuantizationReport(detector: detector, encoder: encoder)
        for seed in UInt64(1)..<3 { try report.add(Self.cloud(seed: seed)) }
        #expect(report.rows.map(\.name) == EncoderLayers.names(for: detector.config) + ["features"])
        for row in report.rows {
            #expect(row.isInt8)
            if let isolated = row.isolated { #expect(isolated.decibels > 28, "\(row.name) alone: \(isolated.decibels) dB") }
            #expect(row.cumulative.decibels > 25, "\(row.name) in the chain: \(row.cumulative.decibels) dB")
        }
    }

    @Test func keepingEveryLayerFP32IsTheFP32Encoder() throws {
        let detector = try Self.detector()
        let table = try Self.table(detector, keepFP32: EncoderLayers.names(for: detector.config))
        let encoder = try Int8Encoder(detector: detector, table: table)
        let points = Self.cloud(seed: 3)
        #expect(try encoder.encode(points).map == detector.encode(points).map)
    }

    @Test func mixedPrecisionStaysClose() throws {
        let detector = try Self.detector()
        let table = try Self.table(detector, keepFP32: ["upsample", "stage1.1"])
        #expect(table.keepFP32 == ["stage1.1", "upsample"])
        let encoder = try Int8Encoder(detector: detector, table: table)
        #expect(encoder.pipeline.chain.map(\.isInt8) == [true, false, true, true, false])
        #expect(try Self.sqnr(detector, encoder, seeds: 1..<3) > 25)
    }

    @Test func anEmptySweepGivesWhatTheBiasesMake() throws {
        let detector = try Self.detector()
        let encoder = try Int8Encoder(detector: detector, table: Self.table(detector))
        var noise = QuantizationNoise()
        try noise.add(reference: detector.encode(PointCloud()).map.values, approximation: encoder.encode(PointCloud()).map.values)
        #expect(noise.signalEnergy > 0)
        #expect(noise.decibels > 25)
    }

    /// The encoder computes only outputs that a pillar can reach; the features must be the
    /// dense chain's, value for value, on sparse and dense sweeps alike.
    @Test func skippingBackgroundGivesTheDenseFeatures() throws {
        let detector = try Self.detector()
        let encoder = try Int8Encoder(detector: detector, table: Self.table(detector))
        var oneBlob = PointCloud()
        for i in 0..<60 { oneBlob.append(x: 2 + Float(i % 6) * 0.1, y: -1 + Float(i / 6) * 0.1, z: -1, intensity: 0.5) }
        for cloud in [Self.cloud(seed: 1), Self.cloud(seed: 2), oneBlob, PointCloud()] {
            let pillars = detector.pillarizer.pillarize(cloud)
            #expect(try encoder.pipeline.run(pillars).values == encoder.pipeline.run(pillars, dense: true).values)
        }
    }

    @Test func fusedConcatenationEqualsDequantizeThenConcat() throws {
        var rng = SplitMix64(seed: 4)
        let q = try AffineQuantization(scale: 0.03, zeroPoint: 7)
        let codes = try QuantizedTensor(height: 3, width: 5, channels: 4, values: (0..<60).map { _ in UInt8.random(in: 0...255, using: &rng) }, quantization: q)
        let real = try FeatureMap(height: 3, width: 5, channels: 2, values: (0..<30).map { _ in Float.random(in: -1...1, using: &rng) })
        #expect(try EncoderPipeline.concatenate(.quantized(codes), .real(real)) == ChannelConcat.forward(codes.dequantized(), real))
        #expect(try EncoderPipeline.concatenate(.real(real), .quantized(codes)) == ChannelConcat.forward(real, codes.dequantized()))
        #expect(throws: V2XError.self) { try EncoderPipeline.concatenate(.real(real), .real(FeatureMap(height: 2, width: 5, channels: 1))) }
    }

    @Test func profiledEncodingMatchesAndCountsOperations() throws {
        let detector = try Self.detector()
        let encoder = try Int8Encoder(detector: detector, table: Self.table(detector))
        let points = Self.cloud(seed: 2)
        let (features, timings) = try encoder.encodeProfiled(points)
        #expect(features == (try encoder.encode(points)))
        #expect(timings.map(\.layer) == ["pillarize"] + EncoderLayers.names(for: detector.config) + ["concat"])
        // stage1.0: 16×16 outputs × 8 channels × 3×3×8 taps × 2.
        #expect(timings[2].operations == Double(2 * 16 * 16 * 8 * 9 * 8))
        // upsample: 8×8 inputs × 16 channels × 4 taps × 8 channels × 2.
        #expect(timings[6].operations == Double(2 * 8 * 8 * 16 * 4 * 8))
    }
}
