import Foundation
import V2XCore

/// Age-aware motion compensation of a collaborator's map: the cars it saw moving are moved
/// in its map by how far they have gone since its sweep, before the map is fused.
///
/// A sender's message carries its confident boxes (the pose-correction anchors); the ego
/// keeps each sender's previous message. A box matched to the previous frame (nearest
/// same-class box in world coordinates, within `maxSpeed · Δframe`, as TCLF does) has a
/// velocity `v`; if `|v| ≥ minSpeed`, it is a mover whose footprint (the box grown by
/// `marginMeters` on each side) shifts by `v · age`, `age` = ego sweep time − sender sweep time.
/// The warp then reads, for a point `q` of the sender's frame:
/// - `q − shift` when that lies in a mover's footprint (the car is now at `q`);
/// - nothing when `q` lies in a mover's old footprint only (the car has left `q`);
/// - `q` otherwise.
public struct ObjectMotion: Sendable, Equatable {
    /// A moving box in the sender's frame at its sweep time, and its planar shift over the
    /// message age in that frame, metres.
    public struct Mover: Sendable, Equatable {
        public var box: Box3D
        public var shift: SIMD2<Double>

        public init(box: Box3D, shift: SIMD2<Double>) { self.box = box; self.shift = shift }
    }

    public var movers: [Mover]
    /// Footprints are the boxes grown by this much on every side (the encoder's features
    /// spread about a cell beyond the returns).
    public var marginMeters: Double

    public init(movers: [Mover], marginMeters: Double = ObjectMotion.defaultMarginMeters) {
        self.movers = movers; self.marginMeters = marginMeters
    }

    /// One feature cell at the default grid.
    public static let defaultMarginMeters = 0.8
    /// Slower boxes are left in place. Velocities come from two sweeps 0.1 s apart, so a
    /// 0.2 m centre error is already 2.8 m/s of velocity noise; below this it is mostly noise.
    public static let minSpeedMetersPerSecond = 3.0
    /// The matching gate between frames, as late fusion's.
    public static let maxSpeedMetersPerSecond = 40.0

    /// The movers of `collaborator` over `ageSeconds`, from its boxes and its previous
    /// snapshot; `nil` when there is nothing to move (no age, no previous frame, no mover).
    public static func estimate(_ collaborator: AgentObservation, ageSeconds: Double) -> ObjectMotion? {
        guard ageSeconds > 0, let previous = collaborator.previous, !collaborator.boxes.isEmpty else { return nil }
        let worldToSensor = collaborator.pose.inverse
        var movers: [Mover] = []
        for box in collaborator.boxes {
            let world = box.transformed(by: collaborator.pose)
            guard let v = previous.velocity(of: world, now: collaborator.captureTime, maxSpeedMetersPerSecond: maxSpeedMetersPerSecond),
                  (v.x * v.x + v.y * v.y).squareRoot() >= minSpeedMetersPerSecond else { continue }
            let shift = worldToSensor.rotate(SIMD3(v.x * ageSeconds, v.y * ageSeconds, 0))
            movers.append(Mover(box: box, shift: SIMD2(shift.x, shift.y)))
        }
        return movers.isEmpty ? nil : ObjectMotion(movers: movers)
    }

    /// Where to read the sender's map for the point `q` (sender frame, metres) as the scene
    /// is now, or `nil` when `q` is where a mover was and no longer is.
    public func sourcePosition(for q: SIMD2<Double>) -> SIMD2<Double>? {
        for mover in movers where footprint(mover.box, contains: q - mover.shift) { return q - mover.shift }
        for mover in movers where footprint(mover.box, contains: q) { return nil }
        return q
    }

    func footprint(_ box: Box3D, contains p: SIMD2<Double>) -> Bool {
        let (dx, dy) = (p.x - box.x, p.y - box.y)
        let (c, s) = (cos(box.yaw), sin(box.yaw))
        let along = c * dx + s * dy, across = -s * dx + c * dy
        return abs(along) <= box.l / 2 + marginMeters && abs(across) <= box.w / 2 + marginMeters
    }
}

