import V2XCore

/// An annotated object in the world frame (REP 103, metres, radians).
public struct SceneObject: Sendable, Equatable, Codable, Hashable {
    /// Stable identity across frames within one scenario.
    public var id: Int
    /// Box in the world frame; `box.z` is the box centre, `box.label` the class.
    public var box: Box3D
    /// Speed along the heading, metres per second.
    public var speedMetersPerSecond: Double

    public init(id: Int, box: Box3D, speedMetersPerSecond: Double) {
        self.id = id
        self.box = box
        self.speedMetersPerSecond = speedMetersPerSecond
    }
}
