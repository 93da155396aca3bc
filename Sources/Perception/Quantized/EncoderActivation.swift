import Quant
import V2XCore

/// A tensor between two encoder layers: u8 codes when both sides run int8 (no conversion),
/// fp32 when either side runs fp32 or the consumer is fp32 code (the shared features).
enum EncoderActivation: Sendable {
    case real(FeatureMap)
    case quantized(QuantizedTensor)

    /// The fp32 values (dequantized codes).
    var real: FeatureMap {
        switch self {
        case .real(let map): map
        case .quantized(let tensor): tensor.dequantized()
        }
    }

    /// The codes under `quantization`: as they are when they already use it, else
    /// (re)quantized from the real values.
    func quantized(with quantization: AffineQuantization) -> QuantizedTensor {
        if case .quantized(let tensor) = self, tensor.quantization == quantization { return tensor }
        return QuantizedTensor(quantizing: real, with: quantization)
    }

    /// `(height, width, channels)`.
    var shape: (height: Int, width: Int, channels: Int) {
        switch self {
        case .real(let map): (map.height, map.width, map.channels)
        case .quantized(let tensor): (tensor.height, tensor.width, tensor.channels)
        }
    }

    /// Writes the real values of each of `cells` cells at `dst[cell · stride + channelOffset …]`.
    /// - Precondition: `dst` holds `cells · stride` values and `channelOffset + channels ≤ stride`.
    func copy(into dst: UnsafeMutableBufferPointer<Float>, channelOffset: Int, stride: Int, cells: Int) {
        switch self {
        case .real(let map):
            let c = map.channels
            map.values.withUnsafeBufferPointer { src in
                for cell in 0..<cells {
                    (dst.baseAddress! + cell * stride + channelOffset).update(from: src.baseAddress! + cell * c, count: c)
                }
            }
        case .quantized(let tensor):
            let c = tensor.channels, lanes = 16
            let scale = tensor.quantization.scale, zeroPoint = tensor.quantization.zeroPoint
            // 16 codes at a time, the same arithmetic as `AffineQuantization.dequantize`:
            // scale · Float(code − zero point), exact in every lane.
            let vectorChannels = c - c % lanes
            tensor.values.withUnsafeBufferPointer { src in
                for cell in 0..<cells {
                    let from = src.baseAddress! + cell * c, to = dst.baseAddress! + cell * stride + channelOffset
                    var i = 0
                    while i < vectorChannels {
                        let codes = UnsafeRawPointer(from + i).loadUnaligned(as: SIMD16<UInt8>.self)
                        let centred = SIMD16<Int32>(truncatingIfNeeded: codes) &- zeroPoint
                        UnsafeMutableRawPointer(to + i).storeBytes(of: scale * SIMD16<Float>(centred), as: SIMD16<Float>.self)
                        i += lanes
                    }
                    while i < c {
                        to[i] = tensor.quantization.dequantize(from[i])
                        i += 1
                    }
                }
            }
        }
    }
}
