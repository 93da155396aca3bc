/// One moving vehicle of the traffic simulation: where it is on its route and how it
/// drives (Intelligent Driver Model parameters drawn per driver).
struct TrafficVehicle: Sendable {
    /// Stable object id for the whole scenario.
    let id: Int
    let blueprint: VehicleBlueprint
    /// `route[0]` is the lane the front bumper is on; later entries are the lanes ahead.
    var route: [Int]
    /// The lane before `route[0]`, where the rear may still be.
    var previousLane: Int?
    /// Arc length of the front bumper along `route[0]`, metres.
    var frontPosition: Double
    /// Speed along the lane, metres per second.
    var speed: Double
    /// The junction connector this vehicle may enter (its reservation), if granted.
    var grantedConnector: Int?

    // IDM parameters.
    /// Desired speed as a fraction of the speed limit.
    let desiredSpeedFactor: Double
    /// Desired time gap to the leader, seconds.
    let timeHeadway: Double
    /// Maximum acceleration, m/s².
    let maxAcceleration: Double
    /// Comfortable deceleration, m/s².
    let comfortableDeceleration: Double
    /// Minimum bumper-to-bumper gap at standstill, metres.
    static let minimumGap = 2.0

    var length: Double { blueprint.length }
    /// Arc length of the rear bumper along `route[0]` (negative while still on `previousLane`).
    var rearPosition: Double { frontPosition - blueprint.length }
}

/// A vehicle as recorded at one frame: its ground-truth box comes from here.
struct VehicleSnapshot: Sendable, Equatable {
    let id: Int
    let blueprint: VehicleBlueprint
    /// Centre of the footprint on the ground, metres.
    let position: SIMD2<Double>
    /// Heading, radians (REP 103).
    let yaw: Double
    let speed: Double
}
