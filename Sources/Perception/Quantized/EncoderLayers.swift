/// The encoder's layers in execution order, named as their tensors are in `model.safetensors`
/// (`pillar.weight`, `stage1.0.weight`, …): the names a ``CalibrationTable`` lists and
/// `--keep-fp32` takes.
///
/// ```
/// pillar → stage1.0 … stage1.(n1−1) → stage2.0 … stage2.(n2−1) → upsample
/// ```
/// Each layer's input is the previous layer's output (the pillar layer's is the points'
/// 9 features); the last stage-1 output also goes, dequantized, into the shared features.
public enum EncoderLayers {
    /// The pillar encoder's linear layer (9 → P, ReLU, max per pillar).
    public static let pillar = "pillar"
    /// The neck's 2×2 stride-2 transposed convolution.
    public static let upsample = "upsample"

    /// Every layer name of an encoder with `config`'s shape, in execution order.
    public static func names(for config: DetectorConfig) -> [String] {
        [pillar] + stage1Names(config) + stage2Names(config) + [upsample]
    }

    /// Every layer's output channels, in execution order (the length of its bias).
    public static func outputChannels(for config: DetectorConfig) -> [Int] {
        [config.pillarChannels] + Array(repeating: config.stage1Channels, count: config.stage1Convs)
            + Array(repeating: config.stage2Channels, count: config.stage2Convs) + [config.upsampleChannels]
    }

    static func stage1Names(_ config: DetectorConfig) -> [String] { (0..<config.stage1Convs).map { "stage1.\($0)" } }
    static func stage2Names(_ config: DetectorConfig) -> [String] { (0..<config.stage2Convs).map { "stage2.\($0)" } }
}
