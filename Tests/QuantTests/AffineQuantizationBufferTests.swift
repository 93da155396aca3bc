import Quant
import Testing
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
}
