import QuantKernels
import Testing
import V2XTestSupport

@Suite struct RequantizationTests {
    private func requantize(_ acc: [Int32], _ m: Float, zeroPoint: Int32, relu: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: acc.count)
        let status = v2x_requantize_u8(acc, Int64(acc.count), 1, [m], zeroPoint, relu ? 1 : 0, &out)
        #expect(status == Int32(V2X_STATUS_OK))
        return out
    }

    @Test func tiesRoundHalfToEven() {
        // acc · 0.5 = …, −1.5, −0.5, 0.5, 1.5, 2.5 → −2, −0, 0, 2, 2 (plus zero point 100).
        #expect(requantize([-3, -1, 1, 3, 5], 0.5, zeroPoint: 100, relu: false) == [98, 100, 100, 102, 102])
    }

    @Test func extremeAccumulatorsSaturateWithoutOverflow() {
        let acc: [Int32] = [.max, .min, .max - 1, .min + 1, 0]
        #expect(requantize(acc, 1, zeroPoint: 0, relu: false) == [255, 0, 255, 0, 0])
        #expect(requantize(acc, 1, zeroPoint: 255, relu: false) == [255, 0, 255, 0, 255])
        #expect(requantize(acc, .greatestFiniteMagnitude, zeroPoint: 128, relu: false) == [255, 0, 255, 0, 128])
        #expect(requantize(acc, .leastNonzeroMagnitude, zeroPoint: 128, relu: false) == [128, 128, 128, 128, 128])
    }

    @Test func reluClampsAtTheZeroPoint() {
        #expect(requantize([-1000, -1, 0, 1, 1000], 1, zeroPoint: 255, relu: true) == [255, 255, 255, 255, 255])
        #expect(requantize([-1000, -1, 0, 1, 1000], 1, zeroPoint: 0, relu: true) == [0, 0, 0, 1, 255])
        #expect(requantize([-1000, -1, 0, 1, 1000], 1, zeroPoint: 20, relu: true) == [20, 20, 20, 21, 255])
    }

    @Test func largeAccumulatorsRoundThroughBinary32() {
        // 2^24 + 1 is not a binary32 value: float(acc) rounds to 2^24 (even), so with
        // M = 2^-24 the result is exactly 1, where exact arithmetic would give 1.00000006 → 1 as well;
        // 2^25 − 1 rounds up to 2^25, giving 2 (exact arithmetic: 1.99999994 → 2).
        #expect(requantize([16_777_217, 33_554_431], 1.0 / 16_777_216, zeroPoint: 0, relu: false) == [1, 2])
    }

    @Test func matchesSwiftReferenceOnRandomValues() {
        var rng = SeededGenerator(seed: 9)
        let channels: Int32 = 7
        let acc = (0..<5000).map { _ in Int32.random(in: -5_000_000...5_000_000, using: &rng) }
        let m = (0..<Int(channels)).map { _ in Float.random(in: 1e-7...1e-3, using: &rng) }
        for (zp, relu) in [(Int32(0), false), (255, false), (128, true), (3, true)] {
            var out = [UInt8](repeating: 0, count: acc.count)
            #expect(v2x_requantize_u8(acc, Int64(acc.count), channels, m, zp, relu ? 1 : 0, &out) == Int32(V2X_STATUS_OK))
            let reference = acc.indices.map { ReferenceInt8.requantize(acc[$0], multiplier: m[$0 % Int(channels)], zeroPoint: zp, relu: relu) }
            #expect(out == reference)
        }
    }

    @Test func badParametersAreRejected() {
        var out = [UInt8](repeating: 0, count: 1)
        #expect(v2x_requantize_u8([1], 1, 1, [1], 256, 0, &out) == Int32(V2X_STATUS_INVALID_ARGUMENT))
        #expect(v2x_requantize_u8([1], 1, 0, [1], 0, 0, &out) == Int32(V2X_STATUS_INVALID_ARGUMENT))
        #expect(v2x_requantize_u8([1], -1, 1, [1], 0, 0, &out) == Int32(V2X_STATUS_INVALID_ARGUMENT))
    }
}
