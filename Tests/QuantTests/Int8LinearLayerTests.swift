import Quant
import Testing
import V2XCore
import V2XTestSupport

@Suite struct Int8LinearLayerTests {
    /// `acc[r][o] = qb[o] + Σ_i (qx[r][i] − zx) · qw[o][i]`, written out directly.
    private func reference(_ layer: Int8LinearLayer, _ input: QuantizedTensor) -> [Int32] {
        let rows = input.height * input.width, n = layer.inputFeatures, m = layer.outputFeatures
        let zx = Int64(layer.inputQuantization.zeroPoint)
        let w = layer.convolution.quantizedWeights, b = layer.convolution.quantizedBias
        return (0..<(rows * m)).map { index in
            let r = index / m, o = index % m
            var acc = Int64(b[o])
            for i in 0..<n { acc += (Int64(input.values[r * n + i]) - zx) * Int64(w[o * n + i]) }
            return Int32(acc)
        }
    }

    @Test(arguments: [(10, 64, 37, 32), (9, 7, 5, 3), (1, 1, 1, 1), (130, 17, 3, 11)])
    func everyPathMatchesTheReference(inputs: Int, outputs: Int, pillars: Int, points: Int) throws {
        var rng = SeededGenerator(seed: UInt64(inputs * 1000 + outputs))
        let layer = try randomLinearLayer(inputs: inputs, outputs: outputs, using: &rng)
        let xq = layer.inputQuantization
        let input = try QuantizedTensor(
            height: pillars, width: points, channels: inputs,
            values: (0..<(pillars * points * inputs)).map { _ in UInt8.random(in: 0...255, using: &rng) }, quantization: xq)
        let expected = reference(layer, input)
        let oq = try AffineQuantization(scale: 0.05, zeroPoint: 0)
        let m = layer.weightScales.map { Float(Double(xq.scale) * Double($0) / Double(oq.scale)) }
        let expectedU8 = expected.indices.map { ReferenceInt8.requantize(expected[$0], multiplier: m[$0 % outputs], zeroPoint: 0, relu: true) }
        for isa in KernelISA.supported {
            #expect(try layer.forwardAccumulators(input, relu: false, isa: isa) == expected, "\(isa)")
            let y = try layer.forward(input, output: oq, relu: true, isa: isa)
            #expect(y.height == pillars && y.width == points && y.channels == outputs)
            #expect(y.values == expectedU8, "\(isa)")
            let f = try layer.forwardDequantized(input, relu: false, isa: isa)
            #expect(f.values == expected.indices.map { Float(expected[$0]) * Float(Double(xq.scale) * Double(layer.weightScales[$0 % outputs])) }, "\(isa)")
        }
    }

    @Test func dequantizedOutputApproximatesTheFloatLayer() throws {
        var rng = SeededGenerator(seed: 5)
        let n = 10, m = 64, rows = 200
        let w = (0..<(n * m)).map { _ in Float.random(in: -1...1, using: &rng) }
        let b = (0..<m).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
        let x = (0..<(rows * n)).map { _ in Float.random(in: -2...3, using: &rng) }
        let xq = try AffineQuantization(coveringMin: -2, max: 3)
        let layer = try Int8LinearLayer(weights: w, bias: b, inputFeatures: n, outputFeatures: m, inputQuantization: xq)
        let input = QuantizedTensor(quantizing: try FeatureMap(height: rows, width: 1, channels: n, values: x), with: xq)
        let y = try layer.forwardDequantized(input, relu: false)
        var worst: Float = 0
        for r in 0..<rows {
            for o in 0..<m {
                var exact = b[o]
                for i in 0..<n { exact += x[r * n + i] * w[o * n + i] }
                worst = max(worst, abs(exact - y.values[r * m + o]))
            }
        }
        // Error bound: Σ |x|·|Δw| + |w|·|Δx| ≤ 10 · (3 · 1/254 + 1 · sx/2) + bias step ≈ 0.2.
        #expect(worst < 0.2)
    }
}
