import Quant
import Testing
import V2XCore
import V2XTestSupport

@Suite struct Int8ConvolutionTests {
    /// The SIMD paths this machine can run (the scalar path is the reference they are compared with).
    static let simdPaths = KernelISA.supported.filter { $0 != .scalar }

    @Test(arguments: int8Cases.indices)
    func scalarPathMatchesSwiftReference(caseIndex: Int) throws {
        let c = int8Cases[caseIndex]
        var rng = SeededGenerator(seed: 100 + UInt64(caseIndex))
        let layer = try c.layer(using: &rng)
        let input = try c.input(using: &rng)
        let output = try AffineQuantization(scale: 0.37, zeroPoint: 93)
        #expect(try layer.forwardAccumulators(input, relu: false, isa: .scalar) == ReferenceInt8.accumulators(layer, input), "\(c)")
        #expect(try layer.forward(input, output: output, relu: false, isa: .scalar).values == ReferenceInt8.u8(layer, input, output: output, relu: false), "\(c)")
        #expect(try layer.forward(input, output: output, relu: true, isa: .scalar).values == ReferenceInt8.u8(layer, input, output: output, relu: true), "\(c)")
        #expect(try layer.forwardDequantized(input, relu: true, isa: .scalar).values == ReferenceInt8.f32(layer, input, relu: true), "\(c)")
    }

    @Test(arguments: int8Cases.indices)
    func everySupportedPathIsBitIdenticalToScalar(caseIndex: Int) throws {
        let c = int8Cases[caseIndex]
        var rng = SeededGenerator(seed: 200 + UInt64(caseIndex))
        let layer = try c.layer(using: &rng)
        let input = try c.input(using: &rng)
        let output = try AffineQuantization(scale: 0.21, zeroPoint: 40)
        let acc = try layer.forwardAccumulators(input, relu: false, isa: .scalar)
        let accRelu = try layer.forwardAccumulators(input, relu: true, isa: .scalar)
        let u8 = try layer.forward(input, output: output, relu: false, isa: .scalar)
        let u8Relu = try layer.forward(input, output: output, relu: true, isa: .scalar)
        let f32 = try layer.forwardDequantized(input, relu: false, isa: .scalar)
        let f32Relu = try layer.forwardDequantized(input, relu: true, isa: .scalar)
        for isa in Self.simdPaths {
            #expect(try layer.forwardAccumulators(input, relu: false, isa: isa) == acc, "\(isa) \(c)")
            #expect(try layer.forwardAccumulators(input, relu: true, isa: isa) == accRelu, "\(isa) \(c)")
            #expect(try layer.forward(input, output: output, relu: false, isa: isa) == u8, "\(isa) \(c)")
            #expect(try layer.forward(input, output: output, relu: true, isa: isa) == u8Relu, "\(isa) \(c)")
            #expect(try layer.forwardDequantized(input, relu: false, isa: isa) == f32, "\(isa) \(c)")
            #expect(try layer.forwardDequantized(input, relu: true, isa: isa) == f32Relu, "\(isa) \(c)")
        }
    }

    /// A layer above `minimumMACsForThreads` (59 M multiply–adds), so that calls with
    /// several threads really split it into chunks; every path and thread count must give
    /// the scalar path's single-threaded codes.
    @Test func layerSplitAcrossThreadsMatchesOneThread() throws {
        let c = Int8Case(height: 40, width: 40, inputChannels: 64, outputChannels: 64, kernelSize: 3, stride: 1, padding: 1, inputZeroPoint: 9)
        #expect(c.height * c.width * c.inputChannels * c.outputChannels * 9 >= Int8ConvolutionLayer.minimumMACsForThreads)
        var rng = SeededGenerator(seed: 404)
        let layer = try c.layer(using: &rng)
        let input = try c.input(using: &rng)
        let output = try AffineQuantization(scale: 0.6, zeroPoint: 17)
        let reference = try layer.forward(input, output: output, relu: true, isa: .scalar, threads: 1)
        for isa in KernelISA.supported {
            for threads in [2, 5] {
                #expect(try layer.forward(input, output: output, relu: true, isa: isa, threads: threads) == reference, "\(isa) threads \(threads)")
            }
        }
    }

    @Test func randomShapesAgreeAcrossPathsAndThreadCounts() throws {
        var rng = SeededGenerator(seed: 77)
        for _ in 0..<12 {
            let k = [1, 3].randomElement(using: &rng) ?? 3
            let c = Int8Case(
                height: Int.random(in: 1...13, using: &rng), width: Int.random(in: 1...19, using: &rng),
                inputChannels: Int.random(in: 1...41, using: &rng), outputChannels: Int.random(in: 1...50, using: &rng),
                kernelSize: k, stride: Int.random(in: 1...2, using: &rng), padding: k == 3 ? Int.random(in: 0...1, using: &rng) : 0,
                inputZeroPoint: Int32.random(in: 0...255, using: &rng))
            guard c.height + 2 * c.padding >= k, c.width + 2 * c.padding >= k else { continue }
            let layer = try c.layer(using: &rng)
            let input = try c.input(using: &rng)
            let output = try AffineQuantization(scale: Float.random(in: 0.05...2, using: &rng), zeroPoint: Int32.random(in: 0...255, using: &rng))
            let reference = try ReferenceInt8.u8(layer, input, output: output, relu: true)
            for isa in KernelISA.supported {
                for threads in [1, 2, 5] {
                    #expect(try layer.forward(input, output: output, relu: true, isa: isa, threads: threads).values == reference, "\(isa) threads \(threads) \(c)")
                }
            }
        }
    }

    /// Largest possible accumulators: all inputs 255 (or 0) against weights −128 / 127 and
    /// biases at the s32 limit, so every path must hit the same saturated codes.
    @Test(arguments: [Int32(0), 255])
    func saturatedAccumulatorsAgreeAtTheEdges(inputZeroPoint: Int32) throws {
        let cin = 67, cout = 35, k = 3
        let taps = k * k
        let maxBias = Int64(Int32.max) - Int64(taps * cin) * 255 * 128
        for (weight, inputCode) in [(Int8(-128), UInt8(255)), (Int8(127), UInt8(255)), (Int8(-128), UInt8(0))] {
            // Choose qb so that the effective bias qb − zx·Σqw is ±maxBias.
            let sumW = Int64(weight) * Int64(taps * cin)
            let target = weight < 0 ? -maxBias : maxBias
            let qb = target + Int64(inputZeroPoint) * sumW
            guard let bias = Int32(exactly: qb) else { continue }
            let xq = try AffineQuantization(scale: 1, zeroPoint: inputZeroPoint)
            let layer = try Int8ConvolutionLayer(
                quantizedWeights: [Int8](repeating: weight, count: cout * taps * cin),
                quantizedBias: (0..<cout).map { $0 % 2 == 0 ? bias : 0 },
                weightScales: (0..<cout).map { 1e-3 * Float($0 + 1) },
                inputChannels: cin, outputChannels: cout, kernelSize: k, stride: 2, padding: 1, inputQuantization: xq)
            let input = try QuantizedTensor(height: 5, width: 7, channels: cin, values: [UInt8](repeating: inputCode, count: 5 * 7 * cin), quantization: xq)
            for output in [try AffineQuantization(scale: 1e-6, zeroPoint: 0), try AffineQuantization(scale: 1e6, zeroPoint: 255), try AffineQuantization(scale: 3, zeroPoint: 128)] {
                let reference = try ReferenceInt8.u8(layer, input, output: output, relu: false)
                for isa in KernelISA.supported {
                    #expect(try layer.forward(input, output: output, relu: false, isa: isa).values == reference, "\(isa) w \(weight) x \(inputCode) out \(output)")
                    #expect(try layer.forwardAccumulators(input, relu: false, isa: isa) == ReferenceInt8.accumulators(layer, input), "\(isa)")
                }
            }
        }
    }

    @Test func paddingIsTheInputZeroPoint() throws {
        // A 3×3 all-ones kernel over a constant input equal to the zero point: every output,
        // border included, is the bias alone (padding means real 0, not code 0).
        let xq = try AffineQuantization(scale: 0.5, zeroPoint: 77)
        let layer = try Int8ConvolutionLayer(
            quantizedWeights: [Int8](repeating: 1, count: 2 * 9 * 3), quantizedBias: [5, -9], weightScales: [1, 1],
            inputChannels: 3, outputChannels: 2, kernelSize: 3, stride: 1, padding: 1, inputQuantization: xq)
        let input = try QuantizedTensor(height: 4, width: 5, channels: 3, values: [UInt8](repeating: 77, count: 60), quantization: xq)
        for isa in KernelISA.supported {
            let acc = try layer.forwardAccumulators(input, relu: false, isa: isa)
            #expect(acc == [Int32](repeating: 0, count: 20).flatMap { _ in [Int32(5), -9] }, "\(isa)")
        }
    }

    @Test func fp32WeightsAreQuantizedPerChannelWithHalfEvenRounding() throws {
        let xq = try AffineQuantization(scale: 0.5, zeroPoint: 10)
        // Channel 0: max |w| = 1.27 → scale 0.01, 0.005 → 0.5 → 0, 0.015 → 1.5 → 2.
        // Channel 1: all zero → scale 1.
        let layer = try Int8ConvolutionLayer(
            weights: [1.27, 0.005, 0.015, -1.27, 0, 0, 0, 0], bias: [0.25, 0],
            inputChannels: 4, outputChannels: 2, kernelSize: 1, stride: 1, padding: 0, inputQuantization: xq)
        #expect(layer.weightScales[1] == 1)
        #expect(abs(layer.weightScales[0] - 0.01) < 1e-8)
        #expect(layer.quantizedWeights == [127, 0, 2, -127, 0, 0, 0, 0])
        #expect(layer.quantizedBias == [50, 0])  // 0.25 / (0.5 · 0.01)
    }

    @Test func invalidLayersAndInputsAreRejected() throws {
        let xq = try AffineQuantization(scale: 0.5, zeroPoint: 10)
        #expect(throws: V2XError.self) {  // wrong weight count
            try Int8ConvolutionLayer(quantizedWeights: [1, 2], quantizedBias: [0], weightScales: [1], inputChannels: 3, outputChannels: 1, kernelSize: 1, stride: 1, padding: 0, inputQuantization: xq)
        }
        #expect(throws: V2XError.self) {  // padding ≥ kernel
            try Int8ConvolutionLayer(quantizedWeights: [1], quantizedBias: [0], weightScales: [1], inputChannels: 1, outputChannels: 1, kernelSize: 1, stride: 1, padding: 1, inputQuantization: xq)
        }
        #expect(throws: V2XError.self) {  // NaN weight
            try Int8ConvolutionLayer(weights: [.nan], bias: [0], inputChannels: 1, outputChannels: 1, kernelSize: 1, stride: 1, padding: 0, inputQuantization: xq)
        }
        #expect(throws: V2XError.self) {  // zero scale
            try Int8ConvolutionLayer(quantizedWeights: [1], quantizedBias: [0], weightScales: [0], inputChannels: 1, outputChannels: 1, kernelSize: 1, stride: 1, padding: 0, inputQuantization: xq)
        }
        #expect(throws: V2XError.self) {  // bias with no room left in s32
            try Int8ConvolutionLayer(quantizedWeights: [1], quantizedBias: [Int32.max], weightScales: [1], inputChannels: 1, outputChannels: 1, kernelSize: 1, stride: 1, padding: 0, inputQuantization: xq)
        }
        let layer = try Int8ConvolutionLayer(quantizedWeights: [1, 1], quantizedBias: [0], weightScales: [1], inputChannels: 2, outputChannels: 1, kernelSize: 1, stride: 1, padding: 0, inputQuantization: xq)
        let wrongChannels = try QuantizedTensor(height: 1, width: 1, channels: 1, values: [0], quantization: xq)
        #expect(throws: V2XError.self) { try layer.forwardAccumulators(wrongChannels, relu: false, isa: .scalar) }
        let wrongQuantization = try QuantizedTensor(height: 1, width: 1, channels: 2, values: [0, 0], quantization: try AffineQuantization(scale: 0.5, zeroPoint: 11))
        #expect(throws: V2XError.self) { try layer.forwardAccumulators(wrongQuantization, relu: false, isa: .scalar) }
        let good = try QuantizedTensor(height: 1, width: 1, channels: 2, values: [3, 4], quantization: xq)
        #expect(throws: V2XError.self) { try layer.forwardAccumulators(good, relu: false, isa: .scalar, threads: 0) }
        // sx · sw / sy underflows binary32: a clear error, not a zero multiplier.
        let tiny = try Int8ConvolutionLayer(quantizedWeights: [1, 1], quantizedBias: [0], weightScales: [1e-30], inputChannels: 2, outputChannels: 1, kernelSize: 1, stride: 1, padding: 0, inputQuantization: xq)
        #expect(throws: V2XError.self) { try tiny.forward(good, output: try AffineQuantization(scale: 1e30, zeroPoint: 0), relu: false, isa: .scalar) }
        #expect(throws: Never.self) { try tiny.forward(good, output: try AffineQuantization(scale: 1e-30, zeroPoint: 0), relu: false, isa: .scalar) }
        for isa in KernelISA.allCases where !isa.isSupported {
            #expect(throws: V2XError.self) { try layer.forwardAccumulators(good, relu: false, isa: isa) }
        }
        #expect(try layer.forwardAccumulators(good, relu: false, isa: .scalar) == [Int32(3 - 10 + 4 - 10)])
    }
}

@Suite struct Int8ForwardIntoTests {
    @Test func forwardIntoEqualsForwardAndReshapesAStaleResult() throws {
        var rng = SeededGenerator(seed: 31)
        let c = int8Cases[1]
        let layer = try c.layer(using: &rng)
        let input = try c.input(using: &rng)
        let output = try AffineQuantization(scale: 0.3, zeroPoint: 12)
        let expected = try layer.forward(input, output: output, relu: true, isa: .scalar)
        // A stale result of another shape and quantization is replaced …
        var result = try QuantizedTensor(height: 1, width: 1, channels: 1, values: [9], quantization: input.quantization)
        for isa in KernelISA.supported {
            try layer.forward(input, output: output, relu: true, into: &result, isa: isa)
            #expect(result == expected, "\(isa)")
        }
        // … and a matching one is overwritten in place.
        let other = try AffineQuantization(scale: 0.7, zeroPoint: 0)
        try layer.forward(input, output: other, relu: false, into: &result, isa: .scalar)
        #expect(result == (try layer.forward(input, output: other, relu: false, isa: .scalar)))
    }

    @Test func linearForwardIntoKeepsTheCellShape() throws {
        let xq = try AffineQuantization(scale: 0.1, zeroPoint: 3)
        let layer = try Int8LinearLayer(
            quantizedWeights: [1, -2, 3, 4, 5, -6], quantizedBias: [10, -10], weightScales: [0.5, 0.25],
            inputFeatures: 3, outputFeatures: 2, inputQuantization: xq)
        let input = try QuantizedTensor(height: 2, width: 2, channels: 3, values: (0..<12).map { UInt8($0 * 20) }, quantization: xq)
        let oq = try AffineQuantization(scale: 1, zeroPoint: 100)
        var result = try QuantizedTensor(height: 0, width: 0, channels: 0, values: [], quantization: oq)
        for isa in KernelISA.supported {
            try layer.forward(input, output: oq, relu: false, into: &result, isa: isa)
            #expect(result == (try layer.forward(input, output: oq, relu: false, isa: .scalar)), "\(isa)")
            #expect(result.height == 2 && result.width == 2 && result.channels == 2)
        }
    }
}
