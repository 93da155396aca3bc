import Quant
import QuantKernels
import Testing
import V2XTestSupport

@Suite struct AffineQuantizationTests {
    @Test func saturatesAtBothEnds() throws {
        let q = try AffineQuantization(scale: 0.1, zeroPoint: 128)
        #expect(q.quantize(1000) == 255)
        #expect(q.quantize(-1000) == 0)
        #expect(q.quantize(.nan) == 128)
        #expect(q.quantize(0) == 128)
    }

    @Test func roundsHalfToEven() throws {
        let q = try AffineQuantization(scale: 1, zeroPoint: 0)
        #expect(q.quantize(2.5) == 2)
        #expect(q.quantize(3.5) == 4)
    }

    @Test func coveringRangeKeepsZeroExact() throws {
        let q = try AffineQuantization(coveringMin: -1.3, max: 4.2)
        #expect(q.dequantize(UInt8(q.zeroPoint)) == 0)
        #expect(abs(q.dequantize(q.quantize(4.2)) - 4.2) <= q.scale / 2 + 1e-6)
    }

    @Test func invalidParametersAreRejected() {
        #expect(throws: Error.self) { try AffineQuantization(scale: 0, zeroPoint: 0) }
        #expect(throws: Error.self) { try AffineQuantization(scale: 1, zeroPoint: 256) }
        #expect(throws: Error.self) { try AffineQuantization(coveringMin: .nan, max: 1) }
    }

    @Test func scalarDotMatchesSwiftReferenceAtTheExtremes() {
        var rng = SeededGenerator(seed: 3)
        var a = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var w = (0..<1000).map { _ in Int8.random(in: -128...127, using: &rng) }
        a[0] = 255; w[0] = -128
        let reference = zip(a, w).reduce(Int32(0)) { $0 + Int32($1.0) * Int32($1.1) }
        #expect(v2x_dot_u8s8_scalar(a, w, Int32(a.count)) == reference)
    }
}
