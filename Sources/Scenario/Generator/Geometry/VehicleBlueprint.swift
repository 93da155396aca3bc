import Foundation
import V2XCore

/// The shape of one vehicle: its class, outer dimensions, paint, and how its outer box
/// splits into the solids a LiDAR sees (wheels, lower body, cabin or cargo box), so that
/// returns look like a car (hood, windscreen step, roof) rather than a floating cube.
///
/// ```
/// car (side view)          van                 truck                  bus
///     ┌──────┐           ┌─────────┐        ┌──┐┌─────────┐       ┌──────────────┐
/// ┌───┘      └──┐      ┌─┘         │        │  ││  cargo  │       │              │
/// └─o────────o──┘      └─o───────o─┘        └o─┘└─o────o──┘       └─o─────────o──┘
/// ```
/// Every solid lies inside the outer box (`length × width × height`, standing on the
/// ground), which is the ground-truth box.
struct VehicleBlueprint: Sendable, Equatable {
    var label: ObjectClass
    /// Outer dimensions, metres.
    var length: Double
    var width: Double
    var height: Double
    /// Reflectivity of the paint (dark to white).
    var paintReflectivity: Double

    static let tyreReflectivity = 0.05
    static let glassReflectivity = 0.12

    /// Draws a vehicle of class `label` with dimensions from truncated normals around
    /// typical European fleet values (cars 4.5 × 1.85 × 1.5 m, vans 5.3 × 2.0 × 2.2 m,
    /// rigid trucks 8.5 × 2.5 × 3.4 m, city buses 12 × 2.55 × 3.2 m).
    static func sample(_ label: ObjectClass, using rng: inout SeededRandom) -> VehicleBlueprint {
        let (l, w, h): (Double, Double, Double)
        switch label {
        case .car, .pedestrian, .cyclist:
            l = rng.truncatedGaussian(mean: 4.5, sigma: 0.35, in: 3.6...5.3)
            w = rng.truncatedGaussian(mean: 1.84, sigma: 0.08, in: 1.6...2.05)
            h = rng.truncatedGaussian(mean: 1.5, sigma: 0.1, in: 1.35...1.85)
        case .van:
            l = rng.truncatedGaussian(mean: 5.3, sigma: 0.4, in: 4.6...6.4)
            w = rng.truncatedGaussian(mean: 2.0, sigma: 0.07, in: 1.85...2.15)
            h = rng.truncatedGaussian(mean: 2.2, sigma: 0.2, in: 1.85...2.7)
        case .truck:
            l = rng.truncatedGaussian(mean: 8.5, sigma: 1.2, in: 6.5...11.0)
            w = rng.truncatedGaussian(mean: 2.5, sigma: 0.04, in: 2.4...2.55)
            h = rng.truncatedGaussian(mean: 3.4, sigma: 0.3, in: 2.8...3.9)
        case .bus:
            l = rng.truncatedGaussian(mean: 12.0, sigma: 0.4, in: 10.5...13.0)
            w = rng.truncatedGaussian(mean: 2.55, sigma: 0.02, in: 2.5...2.6)
            h = rng.truncatedGaussian(mean: 3.2, sigma: 0.1, in: 3.0...3.5)
        }
        // Paint: mostly mid-grey to white, some black (a real fleet's colour mix).
        let paint = rng.unit() < 0.25 ? rng.uniform(0.04, 0.12) : rng.uniform(0.3, 0.9)
        return VehicleBlueprint(label: label, length: l, width: w, height: h, paintReflectivity: paint)
    }

    /// The ground-truth box of this vehicle at a ground position and heading.
    func box(x: Double, y: Double, yaw: Double) -> Box3D {
        Box3D(x: x, y: y, z: height / 2, l: length, w: width, h: height, yaw: yaw, label: label)
    }

    /// The solids of this vehicle at a ground position and heading, owned by `ownerID`.
    func solids(x: Double, y: Double, yaw: Double, ownerID: Int32) -> [SolidBox] {
        let (c, s) = (cos(yaw), sin(yaw))
        let l = length, w = width, h = height
        var out: [SolidBox] = []
        out.reserveCapacity(8)
        /// A part given in the vehicle frame: centre offset along the heading (`dx`),
        /// across (`dy`), base height, full dimensions.
        func part(dx: Double, dy: Double = 0, z0: Double, z1: Double, length pl: Double, width pw: Double, reflectivity: Double) {
            out.append(SolidBox(
                x: x + c * dx - s * dy, y: y + s * dx + c * dy, baseZ: z0,
                length: pl, width: pw, height: z1 - z0, yaw: yaw, reflectivity: reflectivity, ownerID: ownerID
            ))
        }
        let overhang: Double
        let wheelDiameter: Double
        switch label {
        case .car, .pedestrian, .cyclist: overhang = 0.85; wheelDiameter = 0.64
        case .van: overhang = 0.9; wheelDiameter = 0.68
        case .truck: overhang = 1.3; wheelDiameter = 0.95
        case .bus: overhang = 2.6; wheelDiameter = 0.95
        }
        let wheelWidth = 0.26
        for (dx, dy) in [(l / 2 - overhang, w / 2 - wheelWidth / 2), (l / 2 - overhang, -(w / 2 - wheelWidth / 2)),
                         (-(l / 2 - overhang), w / 2 - wheelWidth / 2), (-(l / 2 - overhang), -(w / 2 - wheelWidth / 2))] {
            part(dx: dx, dy: dy, z0: 0, z1: wheelDiameter, length: wheelDiameter, width: wheelWidth, reflectivity: Self.tyreReflectivity)
        }
        let paint = paintReflectivity
        switch label {
        case .car, .pedestrian, .cyclist:
            let belt = 0.62 * h
            part(dx: 0, z0: 0.3, z1: belt, length: l, width: w - 0.02, reflectivity: paint)
            // Cabin: glasshouse set back from the hood, roof a painted slab on top.
            let cabinLength = 0.5 * l
            part(dx: -0.06 * l, z0: belt, z1: h - 0.06, length: cabinLength, width: 0.84 * w, reflectivity: Self.glassReflectivity)
            part(dx: -0.08 * l, z0: h - 0.06, z1: h, length: cabinLength * 0.8, width: 0.8 * w, reflectivity: paint)
        case .van:
            let belt = 0.45 * h
            part(dx: 0, z0: 0.32, z1: belt, length: l, width: w - 0.02, reflectivity: paint)
            let boxLength = 0.82 * l
            part(dx: -(l - boxLength) / 2, z0: belt, z1: h, length: boxLength, width: 0.97 * w, reflectivity: paint)
        case .truck:
            let cabLength = 2.2, gap = 0.3
            let cargoLength = l - cabLength - gap
            part(dx: 0, z0: 0.5, z1: 1.05, length: l, width: 0.8 * w, reflectivity: 0.1)  // chassis
            part(dx: l / 2 - cabLength / 2, z0: 0.5, z1: 0.82 * h, length: cabLength, width: w, reflectivity: paint)
            part(dx: -l / 2 + cargoLength / 2, z0: 1.05, z1: h, length: cargoLength, width: w, reflectivity: cargoReflectivity)
        case .bus:
            part(dx: 0, z0: 0.35, z1: 0.38 * h, length: l, width: w, reflectivity: paint)
            part(dx: 0, z0: 0.38 * h, z1: 0.85 * h, length: l - 0.1, width: w - 0.04, reflectivity: Self.glassReflectivity)
            part(dx: 0, z0: 0.85 * h, z1: h, length: l, width: w, reflectivity: paint)
        }
        return out
    }

    /// Cargo boxes are white or light grey panels.
    private var cargoReflectivity: Double { 0.6 + 0.3 * paintReflectivity }
}
