import Dispatch
import Quant
import V2XCore

/// The detector's encoder half (pillars → shared features) as a chain of stages, each run
/// in int8 or fp32 (see ``EncoderLayers`` for the order):
///
/// ```
/// pillars ─ pillar ─ stage1.0 … stage1.last ─ stage2.0 … ─ upsample ─┐
///                                 └─────────────────────────── concat ┴─▶ (H/2, W/2, C1+U) fp32
/// ```
/// A layer runs int8 when it has an input quantization. An int8 layer whose consumer is int8
/// too writes u8 codes in the consumer's input quantization (no fp32 round trip); otherwise
/// tensors cross as fp32. With no quantization at all this is the fp32 encoder, layer for
/// layer (what calibration observes and the report compares against).
struct EncoderPipeline: Sendable {
    let pillar: PillarStage
    /// The stage-1 convolutions, the stage-2 convolutions, then the upsampling.
    let chain: [ChainStage]
    /// How many of `chain` belong to stage 1 (the last of them feeds the concat).
    let stage1Count: Int

    /// Receives each layer's name and output, and the nanoseconds the layer took.
    typealias Trace = (_ layer: String, _ output: EncoderActivation, _ nanoseconds: UInt64) throws -> Void

    /// - Parameters:
    ///   - network: the fp32 network whose encoder half to run.
    ///   - inputQuantizations: the input quantization of every layer to run in int8, by name.
    /// - Throws: `V2XError.invalidArgument` for a name that is not an encoder layer, and the
    ///   weight quantization's errors.
    init(network: DetectorNetwork, inputQuantizations: [String: AffineQuantization]) throws {
        let config = network.config
        let names = EncoderLayers.names(for: config)
        if let unknown = inputQuantizations.keys.sorted().first(where: { !names.contains($0) }) {
            throw V2XError(.invalidArgument, "\(unknown) is not a layer of this encoder (\(names.joined(separator: ", ")))")
        }
        // A layer's u8 output uses its consumer's input quantization: the next name's.
        let outputs = names.indices.map { i in i + 1 < names.count ? inputQuantizations[names[i + 1]] : nil }
        pillar = try PillarStage(
            network.pillarEncoder, inputQuantization: inputQuantizations[EncoderLayers.pillar], outputQuantization: outputs[0])
        let convolutions = network.stage1 + network.stage2
        let convNames = EncoderLayers.stage1Names(config) + EncoderLayers.stage2Names(config)
        var chain: [ChainStage] = []
        for (i, (name, conv)) in zip(convNames, convolutions).enumerated() {
            chain.append(try ChainStage(
                name: name, convolution: conv, inputQuantization: inputQuantizations[name], outputQuantization: outputs[i + 1]))
        }
        chain.append(try ChainStage(
            name: EncoderLayers.upsample, upsample: network.upsample,
            inputQuantization: inputQuantizations[EncoderLayers.upsample], outputQuantization: nil))
        self.chain = chain
        stage1Count = network.stage1.count
    }

    /// Pillars → the `(H/2, W/2, C1 + U)` shared feature map, fp32.
    ///
    /// Away from the returns a BEV map is background: every empty pillar cell holds the same
    /// codes, and so does every later output whose window sees only such cells. The int8
    /// convolutions compute only the other outputs (``ChainStage/runSparse(_:active:background:)``),
    /// code for code what the dense chain writes, while the maps stay int8 from the pillar layer on.
    /// - Parameters:
    ///   - dense: compute every output pixel (the reference the sparse run must equal).
    ///   - trace: called after each layer (timing only runs when it is given).
    func run(_ pillars: Pillars, dense: Bool = false, trace: Trace? = nil) throws -> FeatureMap {
        var start = trace == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        func report(_ name: String, _ output: EncoderActivation) throws {
            guard let trace else { return }
            let end = DispatchTime.now().uptimeNanoseconds
            try trace(name, output, end - start)
            start = DispatchTime.now().uptimeNanoseconds
        }
        var x = try pillar.run(pillars)
        try report(EncoderLayers.pillar, x)
        var sparse = dense ? nil : pillar.background(of: x, pillars)
        var stage1Output = x
        for (i, stage) in chain.enumerated() {
            if let given = sparse, let result = try stage.runSparse(x, active: given.active, background: given.background) {
                x = result.output
                sparse = (result.active, result.background)
            } else {
                x = try stage.run(x)
                sparse = nil
            }
            try report(stage.name, x)
            if i == stage1Count - 1 { stage1Output = x }
        }
        return try Self.concatenate(stage1Output, x)
    }

    /// `a ⊕ b` along channels, fp32, as `ChannelConcat.forward(a.real, b.real)` computes it but
    /// in one pass: u8 codes are dequantized through a 256-entry table while they are copied.
    /// - Throws: `V2XError.shapeMismatch` when the heights or widths differ.
    static func concatenate(_ a: EncoderActivation, _ b: EncoderActivation) throws -> FeatureMap {
        let (ha, wa, ca) = a.shape, (hb, wb, cb) = b.shape
        guard ha == hb, wa == wb else {
            throw V2XError(.shapeMismatch, "cannot concatenate \(ha)×\(wa) with \(hb)×\(wb)")
        }
        let c = ca + cb, cells = ha * wa
        // The two copies write every value, so the buffer needs no zero fill first.
        let values = [Float](unsafeUninitializedCapacity: cells * c) { dst, initialized in
            a.copy(into: dst, channelOffset: 0, stride: c, cells: cells)
            b.copy(into: dst, channelOffset: ca, stride: c, cells: cells)
            initialized = cells * c
        }
        return try FeatureMap(height: ha, width: wa, channels: c, values: values)
    }
}
