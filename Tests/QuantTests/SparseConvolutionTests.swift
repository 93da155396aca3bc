@testable import Quant
import Testing
import V2XCore
import V2XTestSupport

/// Convolutions that skip background pixels against the dense ones.
@Suite struct SparseConvolutionTests {
    @Test func runsCoverTheActivePixelsInOrder() throws {
        let mask: [Bool] = [true, true, false, true, false, false, true, true, true, false, false, true]
        let active = try ActivePixels(height: 3, width: 4, mask: mask)
        #expect(active.runs == [0..<2, 3..<4, 6..<9, 11..<12])
        #expect(active.count == 7)
        #expect(try ActivePixels(height: 2, width: 2, mask: [false, false, false, false]).runs.isEmpty)
        #expect(try ActivePixels(height: 1, width: 3, mask: [true, true, true]).runs == [0..<3])
    }

    @Test func aMaskOfTheWrongSizeIsATypedError() {
        #expect { try ActivePixels(height: 2, width: 3, mask: [true]) } throws: { ($0 as? V2XError)?.code == .shapeMismatch }
    }

    /// `convolutionOutputs` against checking every window pixel by pixel.
    @Test(arguments: [(3, 1, 1), (3, 2, 1), (1, 1, 0), (3, 2, 0), (5, 1, 2)])
    func activeOutputsAreTheWindowsThatSeeAnActivePixelOrPadding(kernel: Int, stride: Int, padding: Int) throws {
        var rng = SeededGenerator(seed: UInt64(kernel * 10 + stride + padding * 100))
        let (h, w) = (13, 10)
        let active = try ActivePixels(height: h, width: w, mask: (0..<(h * w)).map { _ in Int.random(in: 0..<6, using: &rng) == 0 })
        let outH = (h + 2 * padding - kernel) / stride + 1, outW = (w + 2 * padding - kernel) / stride + 1
        let got = active.convolutionOutputs(kernel: kernel, stride: stride, padding: padding, outHeight: outH, outWidth: outW)
        for oy in 0..<outH {
            for ox in 0..<outW {
                var expected = false
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        let y = oy * stride - padding + ky, x = ox * stride - padding + kx
                        expected = expected || !(0..<h).contains(y) || !(0..<w).contains(x) || active.mask[y * w + x]
                    }
                }
                #expect(got.mask[oy * outW + ox] == expected, "output (\(oy), \(ox))")
            }
        }
    }

    @Test(arguments: [1, 2, 3, 8])
    func piecesSplitTheRunsIntoBalancedChunks(chunks: Int) {
        let runs = [0..<100, 150..<151, 200..<460, 500..<640]
        let (ranges, starts) = Int8ConvolutionLayer.pieces(runs: runs, chunks: chunks)
        // Every run's pixels exactly once, in order.
        #expect(ranges.flatMap { Array($0) } == runs.flatMap { Array($0) })
        #expect(starts.first == 0 && starts.last == ranges.count)
        #expect(starts.count - 1 <= Swift.max(1, chunks) && zip(starts, starts.dropFirst()).allSatisfy { $0 <= $1 })
        let sizes = zip(starts, starts.dropFirst()).map { ranges[$0..<$1].reduce(0) { $0 + $1.count } }
        #expect(sizes.max()! - sizes.min()! <= 1, "\(sizes)")
    }

    /// A map of `background` codes with about one pixel in `oneIn` random, and where it is.
    private func sparseInput(_ c: Int8Case, oneIn: Int, using rng: inout SeededGenerator) throws -> (QuantizedTensor, ActivePixels, [UInt8]) {
        let background = (0..<c.inputChannels).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var mask = [Bool](repeating: false, count: c.height * c.width)
        var values = [UInt8]()
        for pixel in 0..<(c.height * c.width) {
            mask[pixel] = Int.random(in: 0..<oneIn, using: &rng) == 0
            values += mask[pixel] ? (0..<c.inputChannels).map { _ in UInt8.random(in: 0...255, using: &rng) } : background
        }
        let input = try QuantizedTensor(height: c.height, width: c.width, channels: c.inputChannels, values: values,
                                        quantization: try AffineQuantization(scale: 0.05, zeroPoint: c.inputZeroPoint))
        return (input, try ActivePixels(height: c.height, width: c.width, mask: mask), background)
    }

    @Test(arguments: int8Cases.indices)
    func skippingBackgroundGivesTheDenseOutputOnEveryPath(index: Int) throws {
        let c = int8Cases[index]
        var rng = SeededGenerator(seed: UInt64(500 + index))
        let layer = try c.layer(using: &rng, biasRange: -2_000...2_000)
        for oneIn in [1, 4, 1_000] {
            let (input, active, background) = try sparseInput(c, oneIn: oneIn, using: &rng)
            for relu in [true, false] {
                let output = try AffineQuantization(scale: 0.5, zeroPoint: 40)
                let dense = try layer.forward(input, output: output, relu: relu, isa: .scalar)
                for isa in KernelISA.supported {
                    let sparse = try layer.forward(input, output: output, relu: relu, active: active, background: background, isa: isa, threads: 2)
                    #expect(sparse.output.values == dense.values, "\(c), one in \(oneIn), relu \(relu), \(isa)")
                    #expect(sparse.output.height == dense.height && sparse.output.width == dense.width)
                    // Outside its active pixels the output is its background.
                    for pixel in 0..<(dense.height * dense.width) where !sparse.active.mask[pixel] {
                        let codes = Array(dense.values[(pixel * c.outputChannels)..<((pixel + 1) * c.outputChannels)])
                        #expect(codes == sparse.background)
                    }
                }
            }
        }
    }

    @Test func activePixelsOrBackgroundOfAnotherShapeAreTypedErrors() throws {
        let c = int8Cases[0]
        var rng = SeededGenerator(seed: 9)
        let layer = try c.layer(using: &rng)
        let (input, active, background) = try sparseInput(c, oneIn: 3, using: &rng)
        let output = try AffineQuantization(scale: 0.5, zeroPoint: 0)
        let wrongMask = try ActivePixels(height: c.height + 1, width: c.width, mask: [Bool](repeating: true, count: (c.height + 1) * c.width))
        #expect { try layer.forward(input, output: output, relu: true, active: wrongMask, background: background) } throws: {
            ($0 as? V2XError)?.code == .shapeMismatch
        }
        #expect { try layer.forward(input, output: output, relu: true, active: active, background: Array(background.dropLast())) } throws: {
            ($0 as? V2XError)?.code == .shapeMismatch
        }
    }
}
