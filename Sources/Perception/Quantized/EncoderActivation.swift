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
                    for i in 0..<c { dst[cell * stride + channelOffset + i] = src[cell * c + i] }
                }
            }
        case .quantized(let tensor):
            let c = tensor.channels
            let table = (0..<256).map { tensor.quantization.dequantize(UInt8($0)) }
            table.withUnsafeBufferPointer { real in
                tensor.values.withUnsafeBufferPointer { src in
                    for cell in 0..<cells {
                        for i in 0..<c { dst[cell * stride + channelOffset + i] = real[Int(src[cell * c + i])] }
                    }
                }
            }
        }
    }
}
