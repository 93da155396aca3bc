import QuantKernels
import V2XCore

extension Int8LinearLayer {
    /// The layer on every row of `input`, then the max over each group's rows, with a u8
    /// output stage in `output`'s quantization: `[groups][outputFeatures]` codes.
    ///
    /// Exactly the max over a group's rows of the codes ``forward(_:output:relu:isa:threads:)``
    /// writes — the output stage never decreases as the accumulator grows — with one output
    /// stage per group instead of per row (the pillar encoder: rows are points, groups pillars).
    /// A group no row names gets the codes of the smallest accumulator: the zero point with ReLU.
    /// Runs on the calling thread.
    /// - Parameters:
    ///   - input: rows of `inputFeatures` codes in the layer's input quantization, any `H × W` of them.
    ///   - groupOfRow: per row (`H · W` of them), its group in `0..<groups`.
    ///   - isa: the kernel path; nil for ``KernelISA/selected()``.
    /// - Throws: `V2XError.shapeMismatch` for wrong counts, `.invalidArgument` for a group
    ///   outside `0..<groups` or an input in another quantization, and the kernels' statuses.
    public func forwardMaxPerGroup(
        _ input: QuantizedTensor, groupOfRow: [Int32], groups: Int, output: AffineQuantization, relu: Bool,
        isa: KernelISA? = nil
    ) throws -> [UInt8] {
        guard input.channels == inputFeatures else {
            throw V2XError(.shapeMismatch, "layer expects \(inputFeatures) input features, tensor has \(input.channels)")
        }
        guard input.quantization == inputQuantization else {
            throw V2XError(.invalidArgument, "input quantization (scale \(input.quantization.scale), zero point \(input.quantization.zeroPoint)) differs from the layer's (scale \(inputQuantization.scale), zero point \(inputQuantization.zeroPoint))")
        }
        let rows = input.height * input.width
        guard groupOfRow.count == rows else {
            throw V2XError(.shapeMismatch, "\(groupOfRow.count) group indices for \(rows) rows")
        }
        guard groups >= 0 else { throw V2XError(.invalidArgument, "groups must be ≥ 0, got \(groups)") }
        let multipliers = weightScales.map { Float(Double(inputQuantization.scale) * Double($0) / Double(output.scale)) }
        guard multipliers.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw V2XError(.invalidArgument, "output multipliers sx · sw / sy must be finite and > 0; the scales are too far apart")
        }
        let isa = try isa ?? KernelISA.selected()
        try isa.requireSupported(origin: "kernel ISA \(isa)")
        let scratchBytes = v2x_linear_max_scratch_size(Int32(inputFeatures), Int32(outputFeatures), Int64(groups))
        guard scratchBytes >= 0 else { throw V2XError(.invalidArgument, "no scratch size for \(inputFeatures) → \(outputFeatures) features") }
        var params = v2x_linear_max_params()
        params.rows = Int64(rows); params.groups = Int64(groups)
        params.in_features = Int32(inputFeatures); params.out_features = Int32(outputFeatures)
        params.output_zero_point = output.zeroPoint
        params.relu = relu ? 1 : 0
        params.isa = isa.code
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, Int(scratchBytes)), alignment: 64)
        defer { scratch.deallocate() }
        var status = Int32(V2X_STATUS_OK)
        let codes = [UInt8](unsafeUninitializedCapacity: groups * outputFeatures) { out, initialized in
            status = input.values.withUnsafeBufferPointer { x in
                convolution.quantizedWeights.withUnsafeBufferPointer { w in
                    convolution.effectiveBias.withUnsafeBufferPointer { bias in
                        multipliers.withUnsafeBufferPointer { m in
                            groupOfRow.withUnsafeBufferPointer { g in
                                params.row_group = g.baseAddress
                                params.bias = bias.baseAddress
                                params.multiplier = m.baseAddress
                                return v2x_linear_max_u8s8(&params, x.baseAddress, w.baseAddress, scratch, out.baseAddress)
                            }
                        }
                    }
                }
            }
            // Written in full on success; left as zeros otherwise (the status throws below).
            if status != V2X_STATUS_OK { out.initialize(repeating: 0) }
            initialized = out.count
        }
        try KernelStatus.check(status, operation: "int8 linear + max")
        return codes
    }
}
