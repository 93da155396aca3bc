import V2XCore

/// The identity fusion: the ego's map, collaborators ignored (the "no fusion" baseline and
/// single-agent training). Its gradient goes to the ego map only; collaborators get zeros.
public struct EgoOnlyFusion: FeatureFusion, Equatable {
    public init() {}

    public func fuse(_ maps: [BEVFeatures]) throws -> BEVFeatures {
        guard let ego = maps.first else { throw V2XError(.invalidArgument, "fusion needs at least the ego's feature map") }
        return ego
    }

    public func backward(_ maps: [BEVFeatures], outputGradient: FeatureMap) throws -> [FeatureMap] {
        guard let ego = maps.first else { throw V2XError(.invalidArgument, "fusion needs at least the ego's feature map") }
        guard outputGradient.height == ego.map.height, outputGradient.width == ego.map.width,
              outputGradient.channels == ego.map.channels else {
            throw V2XError(.shapeMismatch, "fused gradient \(outputGradient.height)×\(outputGradient.width)×\(outputGradient.channels) does not match the ego map")
        }
        return [outputGradient] + maps.dropFirst().map {
            FeatureMap(height: $0.map.height, width: $0.map.width, channels: $0.map.channels)
        }
    }
}
