import Quant

/// Plain-Swift reference for the int8 layers, written from the documented formulas and
/// independent of the C kernels: padding taps contribute `(zx − zx) · w = 0`.
enum ReferenceInt8 {
    /// `acc = qb[o] + Σ (qx − zx) · qw[o]`, `[Ho][Wo][Cout]`.
    static func accumulators(_ layer: Int8ConvolutionLayer, _ input: QuantizedTensor) throws -> [Int32] {
        let (ho, wo) = try layer.outputSize(height: input.height, width: input.width)
        let k = layer.kernelSize, cin = layer.inputChannels, cout = layer.outputChannels
        let zx = Int64(layer.inputQuantization.zeroPoint)
        var out = [Int32](repeating: 0, count: ho * wo * cout)
        for oy in 0..<ho {
            for ox in 0..<wo {
                for o in 0..<cout {
                    var acc = Int64(layer.quantizedBias[o])
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let iy = oy * layer.stride - layer.padding + ky
                            let ix = ox * layer.stride - layer.padding + kx
                            guard iy >= 0, iy < input.height, ix >= 0, ix < input.width else { continue }
                            for i in 0..<cin {
                                let x = Int64(input[iy, ix, i]) - zx
                                acc += x * Int64(layer.quantizedWeights[((o * k + ky) * k + kx) * cin + i])
                            }
                        }
                    }
                    out[(oy * wo + ox) * cout + o] = Int32(acc)
                }
            }
        }
        return out
    }

    /// The u8 output stage: `clamp(rne(clamp(float(acc) · M, ±512)) + zy, relu ? zy : 0, 255)`.
    static func requantize(_ acc: Int32, multiplier: Float, zeroPoint: Int32, relu: Bool) -> UInt8 {
        let f = Swift.min(512, Swift.max(-512, Float(acc) * multiplier))
        let q = Int32(f.rounded(.toNearestOrEven)) + zeroPoint
        return UInt8(Swift.min(255, Swift.max(relu ? zeroPoint : 0, q)))
    }

    static func u8(_ layer: Int8ConvolutionLayer, _ input: QuantizedTensor, output: AffineQuantization, relu: Bool) throws -> [UInt8] {
        let acc = try accumulators(layer, input)
        let m = layer.weightScales.map { Float(Double(layer.inputQuantization.scale) * Double($0) / Double(output.scale)) }
        return acc.indices.map { requantize(acc[$0], multiplier: m[$0 % layer.outputChannels], zeroPoint: output.zeroPoint, relu: relu) }
    }

    static func f32(_ layer: Int8ConvolutionLayer, _ input: QuantizedTensor, relu: Bool) throws -> [Float] {
        let acc = try accumulators(layer, input)
        let m = layer.weightScales.map { Float(Double(layer.inputQuantization.scale) * Double($0)) }
        return acc.indices.map {
            let y = Float(acc[$0]) * m[$0 % layer.outputChannels]
            return relu ? Swift.max(0, y) : y
        }
    }
}
