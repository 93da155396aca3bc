import Perception
import Testing
import V2XCore
import V2XTestSupport

/// The inference paths (banded im2col, chunked pillar encoder, no caches) against the
/// training forward passes they replace in `BEVDetector`.
@Suite struct InferenceTests {
    func expectClose(_ a: FeatureMap, _ b: FeatureMap, tolerance: Float = 1e-5) {
        #expect(a.height == b.height && a.width == b.width && a.channels == b.channels)
        guard a.values.count == b.values.count else { return }
        var worst: Float = 0
        for i in a.values.indices { worst = max(worst, abs(a.values[i] - b.values[i])) }
        #expect(worst <= tolerance)
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (3, 1, 0), (1, 1, 0), (5, 2, 2)])
    func convolutionInferenceMatchesForwardInEveryBanding(kernel: Int, stride: Int, padding: Int) throws {
        var rng = SeededGenerator(seed: 21)
        var layer = Conv2D(inChannels: 5, outChannels: 6, kernel: kernel, stride: stride, padding: padding, using: &rng)
        layer.bias = GradientCheck.random(6, seed: 2)
        let x = try FeatureMap(height: 11, width: 9, channels: 5, values: GradientCheck.random(11 * 9 * 5, seed: 7))
        let plain = try layer.forward(x).output
        let rectified = ReLU.forward(plain)
        // One output row per band, a few rows per band (the last band shorter), one band.
        for bandFloats in [1, 3 * 9 * 45, 1 << 19] {
            expectClose(try layer.infer(x, rectified: false, bandFloats: bandFloats), plain)
            expectClose(try layer.infer(x, rectified: true, bandFloats: bandFloats), rectified)
        }
        #expect(rectified.values.contains(0) && plain.values.contains { $0 < 0 })
    }

    @Test func convolutionInferenceRejectsWrongChannelsAndTinyInputs() throws {
        var rng = SeededGenerator(seed: 3)
        let layer = Conv2D(inChannels: 2, outChannels: 2, kernel: 3, stride: 1, padding: 0, using: &rng)
        #expect(throws: V2XError.self) { try layer.infer(FeatureMap(height: 4, width: 4, channels: 3), rectified: true) }
        #expect(throws: V2XError.self) { try layer.infer(FeatureMap(height: 2, width: 4, channels: 2), rectified: true) }
    }

    @Test(arguments: [4, 20, 32])
    func pillarEncoderInferenceMatchesForwardInEveryChunking(channels: Int) throws {
        var rng = SeededGenerator(seed: 5)
        var encoder = PillarEncoder(outChannels: channels, using: &rng)
        encoder.bias = GradientCheck.random(channels, seed: 4)
        let pillarizer = Pillarizer(grid: TinyModel.config.grid, minZMeters: -3, maxZMeters: 3)
        let pillars = pillarizer.pillarize(TinyModel.cloud(seed: 9))
        #expect(pillars.pointCount > 100)
        let reference = try encoder.forward(pillars).output
        for chunk in [1, 7, 4096] { expectClose(encoder.infer(pillars, chunkPoints: chunk), reference) }
        let empty = pillarizer.pillarize(PointCloud())
        #expect(try encoder.infer(empty) == encoder.forward(empty).output)
    }

    @Test func networkInferenceMatchesTheTrainingForwardPass() throws {
        var rng = SplitMix64(seed: 8)
        let network = try DetectorNetwork(config: TinyModel.config, using: &rng)
        let pillars = Pillarizer(grid: TinyModel.config.grid, minZMeters: -3, maxZMeters: 3).pillarize(TinyModel.cloud(seed: 2))
        let features = try network.encode(pillars).features
        expectClose(try network.inferFeatures(pillars), features)
        expectClose(try network.inferHead(features), try network.head(features).output)
    }
}
