import Foundation
import Perception
import Quant
import Testing
import V2XCore
import V2XTestSupport

/// `calibration/<model>/int8.json`: round trip, and a typed error for every way a table can
/// be missing, corrupt or made for another model.
@Suite struct CalibrationTableTests {
    private let detector: BEVDetector
    private let table: CalibrationTable

    init() throws {
        detector = try Int8EncoderTests.detector()
        table = try Int8EncoderTests.table(detector, observer: .percentile(99.9), keepFP32: ["upsample"])
    }

    private func expectCode(_ code: V2XError.Code, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as V2XError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a V2XError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func roundTripsAsReadableJSON() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("model/int8.json")
        try table.write(to: url)
        let loaded = try CalibrationTable.load(from: url)
        #expect(loaded == table)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"name\" : \"stage1.0\"") && text.contains("\"method\" : \"percentile\""))
        #expect(loaded.layers.map(\.name) == EncoderLayers.names(for: detector.config))
        let encoder = try Int8Encoder.load(detector: detector, calibration: url)
        #expect(encoder.table.keepFP32 == ["upsample"])
    }

    @Test func missingAndCorruptFilesAreTypedErrors() throws {
        let dir = try TemporaryDirectory()
        expectCode(.notFound) { _ = try CalibrationTable.load(from: dir.file("none.json")) }
        let url = dir.file("int8.json")
        try table.write(to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        expectCode(.malformedData) { _ = try CalibrationTable.load(from: url) }
        try Data("[1, 2, 3]".utf8).write(to: url)
        expectCode(.malformedData) { _ = try Int8Encoder.load(detector: detector, calibration: url) }
    }

    @Test func aTableForAnotherModelIsRejected() throws {
        let other = try Int8EncoderTests.detector(seed: 8)
        expectCode(.invalidArgument) { _ = try Int8Encoder(detector: other, table: table) }
        // One weight changed is another model too.
        var network = detector.network
        network.stage2[0].weight[5] += 0.01
        expectCode(.invalidArgument) { _ = try Int8Encoder(detector: BEVDetector(network: network), table: table) }
        #expect(try ModelFingerprint.of(network) != ModelFingerprint.of(detector.network))
        #expect(try ModelFingerprint.of(detector.network) == table.modelFingerprint)
    }

    @Test func editedEntriesAreRejected() throws {
        var layers = table
        layers.layers.removeLast()
        expectCode(.shapeMismatch) { _ = try Int8Encoder(detector: detector, table: layers) }

        var scale = table
        scale.layers[2].scale = -1
        expectCode(.malformedData) { _ = try Int8Encoder(detector: detector, table: scale) }

        var zeroPoint = table
        zeroPoint.layers[0].zeroPoint = 300
        expectCode(.malformedData) { _ = try Int8Encoder(detector: detector, table: zeroPoint) }

        var kept = table
        kept.keepFP32 = ["stage9.0"]
        expectCode(.malformedData) { _ = try Int8Encoder(detector: detector, table: kept) }

        var version = table
        version.formatVersion = 2
        expectCode(.unsupportedFormat) { _ = try Int8Encoder(detector: detector, table: version) }
    }

    @Test func anInvalidEntryInAFileNamesTheFile() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("int8.json")
        var scale = table
        scale.layers[1].scale = 0
        try scale.write(to: url)
        do {
            _ = try Int8Encoder.load(detector: detector, calibration: url)
            Issue.record("a zero scale was accepted")
        } catch let error as V2XError {
            #expect(error.code == .malformedData && error.path == url.path)
        }
    }

    @Test func calibrationNeedsSweepsAndKnownLayers() throws {
        let calibrator = try EncoderCalibrator(detector: detector)
        expectCode(.invalidArgument) { _ = try calibrator.table(model: "m", observer: .minMax, calibrationData: "d", keepFP32: []) }
        var observed = calibrator
        try observed.observe(Int8EncoderTests.cloud(seed: 1))
        expectCode(.invalidArgument) { _ = try observed.table(model: "m", observer: .minMax, calibrationData: "d", keepFP32: ["head"]) }
    }
}
