import V2XCore

/// The stage between `encode` and `detect` that turns several agents' feature maps into one
/// map in the ego frame (intermediate fusion). Training runs it too, so it also gives the
/// gradient for each input.
///
/// Inputs: `maps[0]` is the ego's; all maps share the ego's channel count. The output has
/// the ego's grid and pose.
public protocol FeatureFusion: Sendable {
    /// Fuses the maps.
    /// - Throws: `V2XError` for an empty list or maps that cannot be fused.
    func fuse(_ maps: [BEVFeatures]) throws -> BEVFeatures
    /// `dLoss/dInput_i` for each input given `dLoss/dOutput`, one per input, shaped like it.
    func backward(_ maps: [BEVFeatures], outputGradient: FeatureMap) throws -> [FeatureMap]
}
