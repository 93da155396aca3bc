import V2XCore

/// The feature half of a detector: a sweep in the sensor frame → the map an agent shares.
///
/// `BEVDetector` is the fp32 encoder; the int8 encoder (post-training quantized from it)
/// conforms too, so a node, replay and the benchmarks pick a precision without knowing
/// which kernels run underneath. Both must produce maps on the detector's `featureGrid`
/// with its `featureChannels`, so either feeds the same detection head.
public protocol FeatureEncoder: Sendable {
    /// Encodes one sweep; non-finite points and points outside the grid are ignored.
    func encode(_ points: PointCloud, sensorToWorld: Pose) throws -> BEVFeatures
}

extension BEVDetector: FeatureEncoder {}
