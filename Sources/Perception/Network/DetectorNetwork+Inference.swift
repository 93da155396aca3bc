import V2XCore

/// Inference without the caches that only the backward passes need: the same values as
/// `encode` and `head` up to float rounding, with less memory traffic (see `Conv2D.infer`
/// and `PillarEncoder.infer`). What `BEVDetector` runs.
extension DetectorNetwork {
    /// Pillars → shared feature map `(H/2, W/2, C1+U)`.
    public func inferFeatures(_ pillars: Pillars) throws -> FeatureMap {
        try inferBackbone(pillarEncoder.infer(pillars))
    }

    /// The backbone alone on an already scattered pillar map (for timing the stages apart).
    public func inferBackbone(_ scattered: FeatureMap) throws -> FeatureMap {
        var s1 = scattered
        for layer in stage1 { s1 = try layer.infer(s1, rectified: true) }
        var s2 = s1
        for layer in stage2 { s2 = try layer.infer(s2, rectified: true) }
        let up = ReLU.forward(try upsample.forward(s2).output)
        return try ChannelConcat.forward(s1, up)
    }

    /// Feature map → head output `(H/2, W/2, K+8)`: heatmap logits, then regression.
    /// - Throws: `V2XError.shapeMismatch` when the map has the wrong channel count.
    public func inferHead(_ features: FeatureMap) throws -> FeatureMap {
        try headOutput.infer(headHidden.infer(features, rectified: true), rectified: false)
    }
}
