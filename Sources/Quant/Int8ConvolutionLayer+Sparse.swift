import QuantKernels
import V2XCore

extension Int8ConvolutionLayer {
    /// ``forward(_:output:relu:isa:threads:)`` for an input whose pixels outside `active` all
    /// hold the codes `background` (one per input channel): the kernels compute only the output
    /// pixels whose window reaches an active pixel or the padding, and every other output pixel
    /// gets the codes a window of background gives — the same output, code for code, as the
    /// dense call, for a fraction of the work on a sparse BEV map.
    /// - Returns: the output, its active pixels and its background codes (for the next layer).
    /// - Throws: `V2XError.shapeMismatch` when `active` or `background` does not fit the input,
    ///   and what the dense call throws.
    public func forward(
        _ input: QuantizedTensor, output: AffineQuantization, relu: Bool, active: ActivePixels, background: [UInt8],
        isa: KernelISA? = nil, threads: Int? = nil
    ) throws -> (output: QuantizedTensor, active: ActivePixels, background: [UInt8]) {
        guard active.height == input.height, active.width == input.width else {
            throw V2XError(.shapeMismatch, "active pixels of a \(active.height)×\(active.width) map for a \(input.height)×\(input.width) input")
        }
        guard background.count == inputChannels else {
            throw V2XError(.shapeMismatch, "\(background.count) background codes for \(inputChannels) input channels")
        }
        let outputBackground = try backgroundOutput(background, output: output, relu: relu, isa: isa)
        let (outHeight, outWidth) = try outputSize(height: input.height, width: input.width)
        let outputActive = active.convolutionOutputs(kernel: kernelSize, stride: stride, padding: padding, outHeight: outHeight, outWidth: outWidth)
        let multipliers = weightScales.map { Float(Double(inputQuantization.scale) * Double($0) / Double(output.scale)) }
        let c = outputChannels
        let values = try [UInt8](unsafeUninitializedCapacity: outHeight * outWidth * c) { buffer, initialized in
            // Every pixel starts as background; the kernels overwrite the active ones.
            Self.fill(buffer, repeating: outputBackground)
            initialized = buffer.count
            try run(
                input, into: buffer, kind: Int32(V2X_OUTPUT_U8), multipliers: multipliers, outputZeroPoint: output.zeroPoint,
                relu: relu, isa: isa, threads: threads, pixelRuns: outputActive.runs)
        }
        let tensor = try QuantizedTensor(height: outHeight, width: outWidth, channels: c, values: values, quantization: output)
        return (tensor, outputActive, outputBackground)
    }

    /// Writes `pattern` over and over into `buffer` (whose count is a multiple of it), by
    /// copying what is already written, doubling each time.
    static func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>, repeating pattern: [UInt8]) {
        guard let base = buffer.baseAddress, !pattern.isEmpty, buffer.count >= pattern.count else { return }
        pattern.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: pattern.count) }
        var written = pattern.count
        while written < buffer.count {
            let count = Swift.min(written, buffer.count - written)
            (base + written).update(from: base, count: count)
            written += count
        }
    }

    /// The output codes of a window that holds `background` everywhere: output pixel `(o, o)`
    /// of a small map of background, `o = ⌈padding / stride⌉` so that its window lies inside.
    func backgroundOutput(_ background: [UInt8], output: AffineQuantization, relu: Bool, isa: KernelISA?) throws -> [UInt8] {
        let o = (padding + stride - 1) / stride
        let side = o * stride - padding + kernelSize
        let codes = [UInt8](unsafeUninitializedCapacity: side * side * inputChannels) { buffer, initialized in
            Self.fill(buffer, repeating: background)
            initialized = buffer.count
        }
        let patch = try QuantizedTensor(height: side, width: side, channels: inputChannels, values: codes, quantization: inputQuantization)
        let result = try forward(patch, output: output, relu: relu, isa: isa, threads: 1)
        let start = (o * result.width + o) * outputChannels
        return Array(result.values[start..<(start + outputChannels)])
    }
}
