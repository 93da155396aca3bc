import Dispatch
import Foundation
import QuantKernels
import V2XCore

extension Int8ConvolutionLayer {
    /// Output pixels below which a call is not split across threads.
    static let minimumPixelsPerChunk = 64
    /// Multiply–adds below which a call runs on the calling thread alone: handing chunks
    /// to a second thread costs more than it saves (`bench kernels`: the 34 M-MAC 1×1 layer
    /// ran at 527 GOPS on one thread and 393 GOPS on two).
    public static let minimumMACsForThreads = 48 << 20

    /// Checks the input, then runs `v2x_conv_u8s8` over the output pixels, split into
    /// contiguous pixel ranges that `DispatchQueue.concurrentPerform` spreads over threads:
    /// ```
    /// pixels 0 … Ho·Wo−1:  [chunk 0 | chunk 1 | … | chunk n−1]   n ≤ 4 · threads
    /// ```
    /// Each chunk writes only its own output pixels. Calls below `minimumMACsForThreads`
    /// are one chunk on the calling thread.
    func run<Element: BitwiseCopyable>(
        _ input: QuantizedTensor, element: Element.Type, kind: Int32, multipliers: [Float],
        outputZeroPoint: Int32, relu: Bool, isa: KernelISA?, threads: Int?,
        reshapeInputTo shape: (height: Int, width: Int)? = nil
    ) throws -> (height: Int, width: Int, values: [Element]) {
        let view = shape ?? (input.height, input.width)
        let (outHeight, outWidth) = try outputSize(height: view.height, width: view.width)
        let values = try [Element](unsafeUninitializedCapacity: outHeight * outWidth * outputChannels) { buffer, initialized in
            try run(
                input, into: buffer, kind: kind, multipliers: multipliers, outputZeroPoint: outputZeroPoint,
                relu: relu, isa: isa, threads: threads, reshapeInputTo: shape)
            initialized = buffer.count
        }
        return (outHeight, outWidth, values)
    }

    /// As ``run(_:element:kind:multipliers:outputZeroPoint:relu:isa:threads:reshapeInputTo:)``,
    /// writing into `output`, which must hold exactly `Ho · Wo · Cout` elements. With `pixelRuns`
    /// only those output pixels are computed (runs ascending and disjoint, inside `0..<Ho·Wo`;
    /// the rest of `output` is left as it is), split over threads by their pixel count.
    func run<Element: BitwiseCopyable>(
        _ input: QuantizedTensor, into output: UnsafeMutableBufferPointer<Element>, kind: Int32, multipliers: [Float],
        outputZeroPoint: Int32, relu: Bool, isa: KernelISA?, threads: Int?,
        reshapeInputTo shape: (height: Int, width: Int)? = nil, pixelRuns: [Range<Int>]? = nil
    ) throws {
        guard input.channels == inputChannels else {
            throw V2XError(.shapeMismatch, "layer expects \(inputChannels) input channels, tensor has \(input.channels)")
        }
        guard input.quantization == inputQuantization else {
            throw V2XError(.invalidArgument, "input quantization (scale \(input.quantization.scale), zero point \(input.quantization.zeroPoint)) differs from the layer's (scale \(inputQuantization.scale), zero point \(inputQuantization.zeroPoint))")
        }
        guard kind == Int32(V2X_OUTPUT_S32) || multipliers.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw V2XError(.invalidArgument, "output multipliers sx · sw / sy must be finite and > 0; the scales are too far apart")
        }
        let isa = try isa ?? KernelISA.selected()
        try isa.requireSupported(origin: "kernel ISA \(isa)")
        let threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard threads >= 1 else { throw V2XError(.invalidArgument, "threads must be ≥ 1, got \(threads)") }
        let (inHeight, inWidth) = shape ?? (input.height, input.width)
        guard inHeight * inWidth == input.height * input.width else {
            throw V2XError(.shapeMismatch, "cannot view a \(input.height)×\(input.width) tensor as \(inHeight)×\(inWidth)")
        }
        let (outHeight, outWidth) = try outputSize(height: inHeight, width: inWidth)
        let limit = Int(Int32.max)
        guard inHeight <= limit, inWidth <= limit, outHeight <= limit, outWidth <= limit else {
            throw V2XError(.invalidArgument, "tensor \(inHeight)×\(inWidth) is too large for the kernels")
        }
        let pixels = outHeight * outWidth
        guard output.count == pixels * outputChannels else {
            throw V2XError(.shapeMismatch, "output buffer holds \(output.count) elements, the layer writes \(pixels * outputChannels)")
        }
        if let pixelRuns, let bad = pixelRuns.first(where: { $0.lowerBound < 0 || $0.upperBound > pixels }) {
            throw V2XError(.invalidArgument, "output pixel run \(bad) is outside 0..<\(pixels)")
        }
        let computed = pixelRuns?.reduce(0) { $0 + $1.count } ?? pixels
        let macs = computed * outputChannels * kernelSize * kernelSize * inputChannels
        let parallel = threads > 1 && macs >= Self.minimumMACsForThreads
        let chunks = Swift.max(1, Swift.min(parallel ? 4 * threads : 1, computed / Self.minimumPixelsPerChunk))
        let pieces = Self.pieces(runs: pixelRuns ?? [0..<pixels], chunks: chunks)

        var params = v2x_conv_params()
        params.in_height = Int32(inHeight); params.in_width = Int32(inWidth); params.in_channels = Int32(inputChannels)
        params.out_height = Int32(outHeight); params.out_width = Int32(outWidth); params.out_channels = Int32(outputChannels)
        params.kernel_height = Int32(kernelSize); params.kernel_width = Int32(kernelSize)
        params.stride_h = Int32(stride); params.stride_w = Int32(stride)
        params.pad_top = Int32(padding); params.pad_left = Int32(padding)
        params.output_zero_point = outputZeroPoint
        params.relu = relu ? 1 : 0
        params.output_kind = kind
        params.isa = isa.code

        let chunkCount = pieces.chunkStarts.count - 1
        let statuses = UnsafeMutableBufferPointer<Int32>.allocate(capacity: chunkCount)
        statuses.initialize(repeating: Int32(V2X_STATUS_OK))
        defer { statuses.deallocate() }
        input.values.withUnsafeBufferPointer { x in
            packedWeights.withUnsafeBufferPointer { w in
                effectiveBias.withUnsafeBufferPointer { bias in
                    multipliers.withUnsafeBufferPointer { m in
                        paddingRow.withUnsafeBufferPointer { pad in
                            params.bias = bias.baseAddress
                            params.multiplier = m.baseAddress
                            params.padding_row = pad.baseAddress
                            pieces.ranges.withUnsafeBufferPointer { ranges in
                                pieces.chunkStarts.withUnsafeBufferPointer { starts in
                                    let call = ChunkedCall(
                                        params: params, input: x.baseAddress, weights: w.baseAddress,
                                        output: UnsafeMutableRawPointer(output.baseAddress), statuses: statuses.baseAddress,
                                        ranges: ranges.baseAddress, chunkStarts: starts.baseAddress)
                                    // The counts were checked above: input is Cin·H·W codes, the output
                                    // buffer holds Ho·Wo·Cout elements, every chunk writes its own ranges.
                                    if chunkCount == 1 {
                                        call.run(chunk: 0)
                                    } else {
                                        DispatchQueue.concurrentPerform(iterations: chunkCount) { call.run(chunk: $0) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for status in statuses { try KernelStatus.check(status, operation: "int8 convolution") }
    }
}

extension Int8ConvolutionLayer {
    /// The kernel calls for `runs` of output pixels (ascending, disjoint), cut so that `chunks`
    /// threads get about the same number of pixels: `ranges[chunkStarts[c] ..< chunkStarts[c + 1]]`
    /// are chunk `c`'s calls. One dense run gives `chunks` equal ranges, as before runs existed.
    static func pieces(runs: [Range<Int>], chunks: Int) -> (ranges: [Range<Int>], chunkStarts: [Int]) {
        let total = runs.reduce(0) { $0 + $1.count }
        guard chunks > 1, total > 0 else { return (runs, [0, runs.count]) }
        var ranges: [Range<Int>] = [], starts = [0]
        var done = 0
        for run in runs {
            var begin = run.lowerBound
            while begin < run.upperBound {
                // Pixels up to the end of the current chunk: ⌈total · (c + 1) / chunks⌉ in all.
                let chunkEnd = total * starts.count / chunks
                let end = Swift.min(run.upperBound, begin + Swift.max(1, chunkEnd - done))
                ranges.append(begin..<end)
                done += end - begin
                begin = end
                if done >= chunkEnd, starts.count < chunks { starts.append(ranges.count) }
            }
        }
        if starts.last != ranges.count { starts.append(ranges.count) }
        return (ranges, starts)
    }
}

/// One kernel call split into chunks of output pixel ranges. Holds raw pointers that stay
/// valid for the duration of `concurrentPerform`; each chunk touches disjoint output pixels
/// and its own status slot, so sharing it across threads is safe.
private struct ChunkedCall: @unchecked Sendable {
    let params: v2x_conv_params
    let input: UnsafePointer<UInt8>?
    let weights: UnsafePointer<Int8>?
    let output: UnsafeMutableRawPointer?
    let statuses: UnsafeMutablePointer<Int32>?
    let ranges: UnsafePointer<Range<Int>>?
    let chunkStarts: UnsafePointer<Int>?

    func run(chunk: Int) {
        guard let ranges, let chunkStarts else { return }
        var p = params
        for piece in chunkStarts[chunk]..<chunkStarts[chunk + 1] {
            p.pixel_begin = Int64(ranges[piece].lowerBound)
            p.pixel_end = Int64(ranges[piece].upperBound)
            let status = withUnsafePointer(to: &p) { v2x_conv_u8s8($0, input, weights, output) }
            if status != V2X_STATUS_OK { statuses?[chunk] = status; return }
        }
    }
}
