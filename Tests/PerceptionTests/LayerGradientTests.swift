import Perception
import Testing
import V2XCore
import V2XTestSupport

@Suite struct LayerGradientTests {
    /// Plain nested-loop convolution: the reference for the im2col lowering.
    func referenceConv(_ x: FeatureMap, _ layer: Conv2D) -> [Float] {
        let ho = layer.outputSize(x.height), wo = layer.outputSize(x.width)
        var y = [Float](repeating: 0, count: ho * wo * layer.outChannels)
        for oy in 0..<ho { for ox in 0..<wo { for co in 0..<layer.outChannels {
            var s = layer.bias[co]
            for ky in 0..<layer.kernel { for kx in 0..<layer.kernel {
                let iy = oy * layer.stride - layer.padding + ky, ix = ox * layer.stride - layer.padding + kx
                guard iy >= 0, iy < x.height, ix >= 0, ix < x.width else { continue }
                for ci in 0..<layer.inChannels {
                    s += x[iy, ix, ci] * layer.weight[((ky * layer.kernel + kx) * layer.inChannels + ci) * layer.outChannels + co]
                }
            } }
            y[(oy * wo + ox) * layer.outChannels + co] = s
        } } }
        return y
    }

    @Test(arguments: [(3, 1), (3, 2), (1, 1)])
    func convolutionMatchesReferenceAndFiniteDifferences(kernel: Int, stride: Int) throws {
        var rng = SeededGenerator(seed: 11)
        var layer = Conv2D(inChannels: 3, outChannels: 4, kernel: kernel, stride: stride, using: &rng)
        layer.bias = GradientCheck.random(4, seed: 5)
        let x = try FeatureMap(height: 7, width: 6, channels: 3, values: GradientCheck.random(7 * 6 * 3, seed: 3))
        let (y, cache) = try layer.forward(x)
        let reference = referenceConv(x, layer)
        #expect(y.values.count == reference.count)
        for i in reference.indices { #expect(abs(y.values[i] - reference[i]) < 1e-5) }

        let r = GradientCheck.random(y.values.count, seed: 9)
        let (dx, grads) = try layer.backward(try FeatureMap(height: y.height, width: y.width, channels: y.channels, values: r), cache: cache)
        let weightError = try GradientCheck.maxError(values: layer.weight, analytic: grads.weight, indices: GradientCheck.indices(layer.weight.count, 12, seed: 1)) { w in
            var l = layer; l.weight = w
            return GradientCheck.project(try l.forward(x).output.values, r)
        }
        let biasError = try GradientCheck.maxError(values: layer.bias, analytic: grads.bias, indices: Array(0..<4)) { b in
            var l = layer; l.bias = b
            return GradientCheck.project(try l.forward(x).output.values, r)
        }
        let inputError = try GradientCheck.maxError(values: x.values, analytic: dx.values, indices: GradientCheck.indices(x.values.count, 12, seed: 2)) { v in
            GradientCheck.project(try layer.forward(try FeatureMap(height: 7, width: 6, channels: 3, values: v)).output.values, r)
        }
        #expect(weightError < 1e-3)
        #expect(biasError < 1e-3)
        #expect(inputError < 1e-3)
    }

    @Test func upsamplingMatchesDefinitionAndFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 4)
        var layer = Upsample2x(inChannels: 3, outChannels: 2, using: &rng)
        layer.bias = [0.5, -0.25]
        let x = try FeatureMap(height: 3, width: 4, channels: 3, values: GradientCheck.random(36, seed: 8))
        let (y, cache) = try layer.forward(x)
        #expect(y.height == 6 && y.width == 8 && y.channels == 2)
        // out[2·1+1, 2·2+0, 1] = Σ_ci x[1, 2, ci] · W[ci, (1·2+0)·2+1] + b[1]
        var expected = layer.bias[1]
        for ci in 0..<3 { expected += x[1, 2, ci] * layer.weight[ci * 8 + 2 * 2 + 1] }
        #expect(abs(y[3, 4, 1] - expected) < 1e-5)

        let r = GradientCheck.random(y.values.count, seed: 10)
        let (dx, grads) = try layer.backward(try FeatureMap(height: 6, width: 8, channels: 2, values: r), cache: cache)
        let eW = try GradientCheck.maxError(values: layer.weight, analytic: grads.weight, indices: Array(0..<layer.weight.count)) { w in
            var l = layer; l.weight = w; return GradientCheck.project(try l.forward(x).output.values, r)
        }
        let eB = try GradientCheck.maxError(values: layer.bias, analytic: grads.bias, indices: [0, 1]) { b in
            var l = layer; l.bias = b; return GradientCheck.project(try l.forward(x).output.values, r)
        }
        let eX = try GradientCheck.maxError(values: x.values, analytic: dx.values, indices: Array(0..<36)) { v in
            GradientCheck.project(try layer.forward(try FeatureMap(height: 3, width: 4, channels: 3, values: v)).output.values, r)
        }
        #expect(eW < 1e-3 && eB < 1e-3 && eX < 1e-3)
    }

    @Test func reluAndConcatGradientsMatchFiniteDifferences() throws {
        let a = try FeatureMap(height: 2, width: 3, channels: 2, values: GradientCheck.random(12, seed: 21))
        let b = try FeatureMap(height: 2, width: 3, channels: 3, values: GradientCheck.random(18, seed: 22))
        let joined = try ChannelConcat.forward(a, b)
        #expect(joined[1, 2, 1] == a[1, 2, 1] && joined[1, 2, 4] == b[1, 2, 2])
        let y = ReLU.forward(joined)
        let r = GradientCheck.random(y.values.count, seed: 23)
        let dJoined = try ReLU.backward(try FeatureMap(height: 2, width: 3, channels: 5, values: r), output: y)
        let (da, db) = try ChannelConcat.backward(dJoined, channelsA: 2)
        func loss(_ av: [Float], _ bv: [Float]) throws -> Double {
            let j = try ChannelConcat.forward(FeatureMap(height: 2, width: 3, channels: 2, values: av), FeatureMap(height: 2, width: 3, channels: 3, values: bv))
            return GradientCheck.project(ReLU.forward(j).values, r)
        }
        // Small steps: values are at least ~0.01 away from the ReLU kink for these seeds' coordinates.
        let eA = try GradientCheck.maxError(values: a.values, analytic: da.values, indices: Array(0..<12), epsilon: 1e-3) { try loss($0, b.values) }
        let eB = try GradientCheck.maxError(values: b.values, analytic: db.values, indices: Array(0..<18), epsilon: 1e-3) { try loss(a.values, $0) }
        #expect(eA < 1e-2 && eB < 1e-2)
        #expect(throws: V2XError.self) { try ChannelConcat.forward(a, FeatureMap(height: 3, width: 3, channels: 1)) }
    }

    @Test func layersRejectWrongShapes() throws {
        var rng = SeededGenerator(seed: 1)
        let conv = Conv2D(inChannels: 2, outChannels: 2, kernel: 3, using: &rng)
        #expect(throws: V2XError.self) { try conv.forward(FeatureMap(height: 4, width: 4, channels: 3)) }
        #expect(throws: V2XError.self) {
            try Conv2D(inChannels: 2, outChannels: 2, kernel: 3, stride: 1, padding: 1, weight: [1, 2], bias: [0, 0])
        }
        let up = Upsample2x(inChannels: 2, outChannels: 1, using: &rng)
        #expect(throws: V2XError.self) { try up.forward(FeatureMap(height: 2, width: 2, channels: 1)) }
    }
}
