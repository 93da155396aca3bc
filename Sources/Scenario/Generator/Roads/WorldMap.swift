import Foundation

/// Everything static in a generated world: the road network, the solids that never move
/// (buildings, walls, trees, barriers), parked vehicles, the ground's paint, and the
/// places where roadside units may stand.
struct WorldMap: Sendable {
    /// A vehicle that stays put for the whole scenario (an annotated object).
    struct ParkedVehicle: Sendable {
        let id: Int
        let blueprint: VehicleBlueprint
        let position: SIMD2<Double>
        let yaw: Double
    }

    /// A spot for a roadside unit's pole and which way it faces (towards the traffic).
    struct RoadsideSite: Sendable {
        let position: SIMD2<Double>
        let yaw: Double
    }

    let network: RoadNetwork
    /// Buildings, walls, trees, barriers (owner `SolidBox.staticOwner`).
    let scenery: [SolidBox]
    let parkedVehicles: [ParkedVehicle]
    /// Candidate roadside-unit sites, best first.
    let roadsideSites: [RoadsideSite]
    let ground: GroundMaterialMap
    /// Where the connected agents should gather (the busiest junction, or the highway's middle).
    let focus: SIMD2<Double>
}
