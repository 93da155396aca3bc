import Quant
import V2XCore

/// The pillar encoder as one encoder stage: linear 9 → P on every point, ReLU, max over the
/// points of each pillar, scattered into the `(H, W, P)` grid, in int8 or fp32.
///
/// In int8 the point features are quantized with the layer's input quantization and the
/// linear layer's u8 output stage (ReLU fused) writes codes in the next layer's input
/// quantization. The max over a pillar's points is taken on the accumulators, before that
/// stage, which runs once per pillar (`Int8LinearLayer.forwardMaxPerGroup`; the same codes,
/// as the stage is monotonic); empty cells hold the zero point (real 0), which is also the
/// floor ReLU clamps to.
struct PillarStage: Sendable {
    enum Implementation: Sendable {
        case int8(Int8LinearLayer)
        case fp32(PillarEncoder)
    }

    let implementation: Implementation
    /// The consumer's input quantization when the consumer runs int8 (u8 output), else `nil` (fp32 output).
    let outputQuantization: AffineQuantization?
    let channels: Int

    /// - Parameters:
    ///   - encoder: the fp32 layer.
    ///   - inputQuantization: the points' quantization for an int8 layer, `nil` to keep it fp32.
    ///   - outputQuantization: as the property.
    /// - Throws: `V2XError` from quantizing the weights.
    init(_ encoder: PillarEncoder, inputQuantization: AffineQuantization?, outputQuantization: AffineQuantization?) throws {
        channels = encoder.outChannels
        self.outputQuantization = outputQuantization
        guard let inputQuantization else {
            implementation = .fp32(encoder)
            return
        }
        let features = Pillars.featureCount, p = encoder.outChannels
        implementation = .int8(try Int8LinearLayer(
            weights: ChainStage.transposed(encoder.weight, rows: features, columns: p), bias: encoder.bias,
            inputFeatures: features, outputFeatures: p, inputQuantization: inputQuantization))
    }

    /// Whether the layer runs on the int8 kernels.
    var isInt8: Bool {
        if case .int8 = implementation { return true }
        return false
    }

    /// Pillars → the scattered `(H, W, P)` map.
    func run(_ pillars: Pillars) throws -> EncoderActivation {
        switch implementation {
        case .fp32(let encoder):
            return .real(encoder.infer(pillars))
        case .int8(let layer):
            let height = pillars.gridHeight, width = pillars.gridWidth
            if let outputQuantization {
                let fill = UInt8(outputQuantization.zeroPoint)
                guard pillars.pointCount > 0 else {
                    return .quantized(try QuantizedTensor(
                        height: height, width: width, channels: channels,
                        values: [UInt8](repeating: fill, count: height * width * channels), quantization: outputQuantization))
                }
                let perPillar = try layer.forwardMaxPerGroup(
                    quantizedFeatures(pillars, layer.inputQuantization), groupOfRow: pillars.pointPillar,
                    groups: pillars.pillarCount, output: outputQuantization, relu: true)
                let map = scatter(perPillar, pillars, fill: fill)
                return .quantized(try QuantizedTensor(height: height, width: width, channels: channels, values: map, quantization: outputQuantization))
            }
            guard pillars.pointCount > 0 else { return .real(FeatureMap(height: height, width: width, channels: channels)) }
            let perPoint = try layer.forwardDequantized(quantizedFeatures(pillars, layer.inputQuantization), relu: true)
            let map = scatterMax(perPoint.values, pillars, fill: Float(0))
            return .real(try FeatureMap(height: height, width: width, channels: channels, values: map))
        }
    }

    /// Where `output` (this stage's result on `pillars`) may differ from its empty cells,
    /// and their codes: the pillar cells, and the zero point in every channel. `nil` when
    /// the output is fp32.
    func background(of output: EncoderActivation, _ pillars: Pillars) -> (active: ActivePixels, background: [UInt8])? {
        guard case .quantized(let tensor) = output else { return nil }
        var mask = [Bool](repeating: false, count: pillars.gridHeight * pillars.gridWidth)
        for cell in pillars.pillarCells { mask[Int(cell)] = true }
        // The mask has one flag per grid cell by construction.
        guard let active = try? ActivePixels(height: pillars.gridHeight, width: pillars.gridWidth, mask: mask) else { return nil }
        return (active, [UInt8](repeating: UInt8(tensor.quantization.zeroPoint), count: channels))
    }

    /// The linear layer's output before ReLU and the max, `(N, P)` row-major: what bias
    /// correction compares between precisions.
    func preActivation(_ pillars: Pillars) throws -> [Float] {
        guard pillars.pointCount > 0 else { return [] }
        switch implementation {
        case .int8(let layer):
            return try layer.forwardDequantized(quantizedFeatures(pillars, layer.inputQuantization), relu: false).values
        case .fp32(let encoder):
            let features = Pillars.featureCount, c = channels
            var out = [Float](repeating: 0, count: pillars.pointCount * c)
            for i in 0..<pillars.pointCount {
                for o in 0..<c {
                    var sum = encoder.bias[o]
                    for f in 0..<features { sum += pillars.pointFeatures[i * features + f] * encoder.weight[f * c + o] }
                    out[i * c + o] = sum
                }
            }
            return out
        }
    }

    /// The `(N, 9)` point features as an `N × 1 × 9` tensor of codes.
    private func quantizedFeatures(_ pillars: Pillars, _ quantization: AffineQuantization) throws -> QuantizedTensor {
        let codes = [UInt8](unsafeUninitializedCapacity: pillars.pointFeatures.count) { buffer, initialized in
            pillars.pointFeatures.withUnsafeBufferPointer { quantization.quantize($0, into: buffer) }
            initialized = buffer.count
        }
        return try QuantizedTensor(height: pillars.pointCount, width: 1, channels: Pillars.featureCount, values: codes, quantization: quantization)
    }

    /// `map[cell(p), c] = perPillar[p, c]`, `fill` in cells without a pillar.
    private func scatter(_ perPillar: [UInt8], _ pillars: Pillars, fill: UInt8) -> [UInt8] {
        let c = channels
        var map = [UInt8](repeating: fill, count: pillars.gridHeight * pillars.gridWidth * c)
        perPillar.withUnsafeBufferPointer { src in
            map.withUnsafeMutableBufferPointer { dst in
                for (p, cell) in pillars.pillarCells.enumerated() {
                    // In bounds: P rows of c codes; cells index the H·W grid of c codes.
                    (dst.baseAddress! + Int(cell) * c).update(from: src.baseAddress! + p * c, count: c)
                }
            }
        }
        return map
    }

    /// `map[cell(p), c] = max(fill, max over the points i of pillar p of perPoint[i, c])`.
    private func scatterMax<Element: Comparable>(_ perPoint: [Element], _ pillars: Pillars, fill: Element) -> [Element] {
        let c = channels
        var map = [Element](repeating: fill, count: pillars.gridHeight * pillars.gridWidth * c)
        perPoint.withUnsafeBufferPointer { src in
            map.withUnsafeMutableBufferPointer { dst in
                pillars.pointPillar.withUnsafeBufferPointer { pillarOf in
                    pillars.pillarCells.withUnsafeBufferPointer { cells in
                        for i in 0..<pillarOf.count {
                            let from = src.baseAddress! + i * c, to = dst.baseAddress! + Int(cells[Int(pillarOf[i])]) * c
                            // In bounds: i < N rows of c values; cells index the H·W grid of c values.
                            for j in 0..<c { to[j] = Swift.max(to[j], from[j]) }
                        }
                    }
                }
            }
        }
        return map
    }
}
