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
}
