import Foundation
@testable import Quant
import Testing
import V2XCore
import V2XTestSupport

@Suite struct ActivationHistogramTests {
    @Test func binsByMagnitudeWithAPowerOfTwoWidthAndCountsZerosApart() throws {
        var h = try ActivationHistogram(binCount: 8)
        h.add([0, 0.5, 1.5, -0.25, 0, .nan, .infinity])
        // Largest magnitude 1.5: 1.5 / 8 = 0.1875 → width 0.125 (limit 1.0) → 0.25 (limit 2.0).
        #expect(h.binWidth == 0.25)
        #expect(h.positive == [0, 0, 1, 0, 0, 0, 1, 0])
        #expect(h.negative == [0, 1, 0, 0, 0, 0, 0, 0])
        #expect(h.count == 5 && h.zeroCount == 2 && h.nonFiniteCount == 2 && h.binnedCount == 3)
        #expect(h.minimum == -0.25 && h.maximum == 1.5)
    }

    @Test func growingMergesPairsWithoutLosingCounts() throws {
        var h = try ActivationHistogram(binCount: 8)
        h.add([0.5, 1.5])       // width 0.25
        h.add([7])              // width 1 (limit 8): bins 0.5 → 0, 1.5 → 1, 7 → 7
        #expect(h.binWidth == 1)
        #expect(h.positive == [1, 1, 0, 0, 0, 0, 0, 1])
    }

    @Test func batchingAndOrderDoNotMatter() throws {
        var rng = SeededGenerator(seed: 11)
        let values = (0..<5000).map { _ in Float.random(in: -3...40, using: &rng) }
        var whole = try ActivationHistogram(binCount: 256)
        whole.add(values)
        var pieces = try ActivationHistogram(binCount: 256)
        for chunk in stride(from: 0, to: values.count, by: 700).reversed() {
            pieces.add(Array(values[chunk..<min(values.count, chunk + 700)]))
        }
        #expect(whole == pieces)
        #expect(whole.positive.reduce(0, +) + whole.negative.reduce(0, +) == whole.binnedCount)
    }

    @Test func binCountMustBeAPowerOfTwo() {
        #expect(throws: V2XError.self) { try ActivationHistogram(binCount: 100) }
        #expect(throws: V2XError.self) { try ActivationHistogram(binCount: 1) }
    }
}

@Suite struct EntropyThresholdTests {
    /// counts [8, 8, 1, 3], 2 levels, candidates i = 2, 3, 4 (hand-computed):
    /// - i = 2: P = [8, 12], Q = [8, 8]: 0.4 ln 0.8 + 0.6 ln 1.2 = 0.020136
    /// - i = 3: P = [8, 8, 4], groups {0, 1}{2}: Q = [8, 8, 1]: 0.8 ln(0.4 / (8/17)) + 0.2 ln(0.2 / (1/17)) = 0.114740
    /// - i = 4: P = [8, 8, 1, 3], groups {0, 1}{2, 3}: Q = [8, 8, 2, 2]: 0.05 ln 0.5 + 0.15 ln 1.5 = 0.026162
    @Test func handComputedDivergencesPickTheLeast() throws {
        let counts = [8, 8, 1, 3]
        #expect(abs(EntropyThreshold.divergence(counts, bins: 2, levels: 2) - 0.020136) < 1e-6)
        #expect(abs(EntropyThreshold.divergence(counts, bins: 3, levels: 2) - 0.114740) < 1e-6)
        #expect(abs(EntropyThreshold.divergence(counts, bins: 4, levels: 2) - 0.026162) < 1e-6)
        #expect(try EntropyThreshold.bins(counts, levels: 2) == 2)
    }

    /// counts [8, 8, 1, 1]: at i = 4 the groups {0, 1}{2, 3} are uniform, so Q = P and D = 0,
    /// while clipping at 2 (P = [8, 10], Q = [8, 8]) costs (8/18) ln(16/18) + (10/18) ln(20/18) = 0.0061856.
    @Test func aRepresentableTailIsKept() throws {
        #expect(abs(EntropyThreshold.divergence([8, 8, 1, 1], bins: 2, levels: 2) - 0.0061856) < 1e-6)
        #expect(EntropyThreshold.divergence([8, 8, 1, 1], bins: 4, levels: 2) < 1e-9)
        #expect(try EntropyThreshold.bins([8, 8, 1, 1], levels: 2) == 4)
    }

    @Test func fewerBinsThanLevelsKeepsTheExtent() throws {
        #expect(try EntropyThreshold.bins([0, 3, 5, 0, 0], levels: 4) == 3)
        #expect(try EntropyThreshold.bins([0, 0, 0], levels: 4) == 0)
        #expect(throws: V2XError.self) { try EntropyThreshold.bins([1, 2], levels: 0) }
        #expect(throws: V2XError.self) { try EntropyThreshold.bins([1, -2], levels: 1) }
    }
}

@Suite struct ActivationObserverTests {
    /// 1 … 1000 with 2048 bins: width 0.5 (1000 / 2048 → 0.25 is too small), value v in bin 2v.
    private func oneToAThousand() throws -> ActivationHistogram {
        var h = try ActivationHistogram(binCount: 2048)
        h.add((1...1000).map(Float.init))
        return h
    }

    @Test func minMaxIsTheExtremesWidenedToZero() throws {
        let range = try ActivationObserver.minMax.range(of: oneToAThousand())
        #expect(range.lower == 0 && range.upper == 1000)
    }

    /// 99 % of 1000 values = the first 990: value 990 lies in bin 1980, so the range ends at
    /// 1981 bins = 990.5; 100 % ends at the maximum, not past it.
    @Test func percentileEndsAtTheBinHoldingTheShare() throws {
        let h = try oneToAThousand()
        #expect(h.binWidth == 0.5)
        #expect(try ActivationObserver.percentile(99).range(of: h) == (lower: 0, upper: 990.5))
        #expect(try ActivationObserver.percentile(100).range(of: h).upper == 1000)
    }

    @Test func percentileTreatsEachSignApart() throws {
        var h = try ActivationHistogram(binCount: 2048)
        h.add((1...1000).map { Float($0) } + (1...100).map { -Float($0) })
        // Width 0.5; negatives: 99 % of 100 → −99 in bin 198 → 199 bins = −99.5.
        let range = try ActivationObserver.percentile(99).range(of: h)
        #expect(range.lower == -99.5 && range.upper == 990.5)
    }

    /// An exponential body (mean 1) and one value at 1000, 2048 bins of 0.5: min/max spends
    /// the levels on the outlier; the 99.9th percentile is near ln 1000 ≈ 6.9; entropy takes
    /// its smallest candidate, 256 bins = 128: there the body is still one bin per level
    /// (exact) and only the outlier's 1/20001 of the mass moves, while any wider range
    /// merges the body's steep first bins.
    @Test func entropyAndPercentileClipALoneOutlier() throws {
        var rng = SeededGenerator(seed: 5)
        var h = try ActivationHistogram()
        h.add((0..<20_000).map { _ in -log(Float.random(in: Float.ulpOfOne...1, using: &rng)) } + [1000])
        #expect(h.binWidth == 0.5)
        #expect(try ActivationObserver.minMax.range(of: h).upper == 1000)
        #expect(try ActivationObserver.entropy.range(of: h).upper == 128)
        let percentile = try ActivationObserver.percentile(99.9).range(of: h).upper
        #expect(percentile > 6 && percentile < 8, "99.9th percentile \(percentile)")
    }

    @Test func entropyOfASignedTensorIsSymmetric() throws {
        var h = try ActivationHistogram(binCount: 64)
        h.add((1...40).map { Float($0) / 10 } + (1...40).map { -Float($0) / 20 })
        let range = try ActivationObserver.entropy.range(of: h)
        // 128 levels per side exceed the 64 bins: nothing is clipped beyond the extremes.
        #expect(range.lower == -2 && range.upper == 4)
    }

    @Test func anEmptyHistogramCannotBeCalibrated() throws {
        let h = try ActivationHistogram()
        #expect(throws: V2XError.self) { try ActivationObserver.minMax.range(of: h) }
    }

    @Test func percentileIsChecked() {
        #expect(throws: V2XError.self) { try ActivationObserver.percentile(40) }
        #expect(throws: V2XError.self) { try ActivationObserver.percentile(.nan) }
        #expect(throws: V2XError.self) { try ActivationObserver(method: .minMax, percentile: 99) }
    }

    @Test func roundTripsThroughJSONAndRejectsABadPercentile() throws {
        for observer in [ActivationObserver.minMax, .entropy, try .percentile(99.5)] {
            let data = try JSONEncoder().encode(observer)
            #expect(try JSONDecoder().decode(ActivationObserver.self, from: data) == observer)
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ActivationObserver.self, from: Data(#"{"method":"percentile","percentile":120}"#.utf8))
        }
    }
}

@Suite struct QuantizationNoiseTests {
    /// Signal 1 + 4 + 9 + 16 = 30, noise 1: 10 log10 30 = 14.7712 dB.
    @Test func handComputedRatio() throws {
        var noise = QuantizationNoise()
        try noise.add(reference: [1, 2, 3, 4], approximation: [1, 2, 3, 5])
        #expect(abs(noise.decibels - 14.7712) < 1e-4)
        try noise.add(reference: [1, 2, 3, 4], approximation: [1, 2, 3, 5])
        #expect(abs(noise.decibels - 14.7712) < 1e-4)
    }

    @Test func exactEmptyAndMismatched() throws {
        var noise = QuantizationNoise()
        #expect(noise.decibels.isNaN)
        try noise.add(reference: [1, 2], approximation: [1, 2])
        #expect(noise.decibels == .infinity)
        #expect(throws: V2XError.self) { try noise.add(reference: [1], approximation: [1, 2]) }
        #expect(throws: V2XError.self) { try noise.add(reference: [.nan], approximation: [1]) }
    }
}
