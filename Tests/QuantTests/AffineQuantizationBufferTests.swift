import Quant
import Testing
import V2XCore
import V2XTestSupport

@Suite struct AffineQuantizationBufferTests {
    @Test func bufferQuantizationEqualsTheValueByValueOne() throws {
        var rng = SeededGenerator(seed: 21)
        let values = (0..<4000).map { _ in Float.random(in: -6...6, using: &rng) }
            + [.nan, .infinity, -.infinity, 1e30, -1e30, 0, -0.0, 0.5, 1.5, 2.5, -0.5, -2.5, 127.5, 128.5]
        for q in [try AffineQuantization(scale: 1, zeroPoint: 0), try AffineQuantization(scale: 0.0371, zeroPoint: 131)] {
            var codes = [UInt8](repeating: 0, count: values.count)
            values.withUnsafeBufferPointer { src in codes.withUnsafeMutableBufferPointer { q.quantize(src, into: $0) } }
            #expect(codes == values.map(q.quantize))
        }
    }

    @Test func quantizedTensorUsesTheSameCodes() throws {
        var rng = SeededGenerator(seed: 5)
        let values = (0..<(7 * 9 * 5)).map { _ in Float.random(in: -1...9, using: &rng) }
        let map = try FeatureMap(height: 7, width: 9, channels: 5, values: values)
        let q = try AffineQuantization(coveringMin: 0, max: 8)
        #expect(QuantizedTensor(quantizing: map, with: q).values == values.map(q.quantize))
    }
}
