import Foundation
import V2XCore

/// Age-aware motion compensation of a collaborator's map and boxes: the cars it saw moving
/// are moved by how far they have gone since its sweep, before they are fused.
///
/// A sender's message carries its confident boxes (the pose-correction anchors); the ego
/// keeps the boxes of each sender's earlier messages. A box followed back through them
/// (`TrackedVelocity`) has a velocity `v`; when `v` is fast and sure enough (`estimate`), the
/// box is a mover whose footprint (the box grown by `marginMeters` on each side) shifts by
/// `v · age`, `age` = ego sweep time − sender sweep time. The warp then reads, for a point `q`
/// of the sender's frame:
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

    public let movers: [Mover]
    /// Footprints are the boxes grown by this much on every side (the encoder's features
    /// spread about a cell beyond the returns).
    public let marginMeters: Double
    /// Each mover's footprint where it was seen.
    let footprints: [Footprint]
    /// Every footprint, seen and moved, lies within these sender-frame bounds (min, max), so
    /// the warp's many cells far from any mover are passed over at once.
    let reach: (min: SIMD2<Double>, max: SIMD2<Double>)

    public init(movers: [Mover], marginMeters: Double = ObjectMotion.defaultMarginMeters) {
        self.movers = movers; self.marginMeters = marginMeters
        footprints = movers.map { Footprint($0.box, marginMeters: marginMeters) }
        var low = SIMD2<Double>(repeating: .infinity), high = SIMD2<Double>(repeating: -.infinity)
        for (mover, footprint) in zip(movers, footprints) {
            let centre = SIMD2(footprint.x, footprint.y), radius = SIMD2(repeating: footprint.radius)
            low = pointwiseMin(low, pointwiseMin(centre - radius, centre + mover.shift - radius))
            high = pointwiseMax(high, pointwiseMax(centre + radius, centre + mover.shift + radius))
        }
        reach = (low, high)
    }

    public static func == (a: ObjectMotion, b: ObjectMotion) -> Bool {
        a.movers == b.movers && a.marginMeters == b.marginMeters
    }

    /// One feature cell at the default grid.
    public static let defaultMarginMeters = 0.8
    /// Slower boxes are left in place: below this a fitted velocity is mostly the noise of
    /// the detected centres.
    public static let minSpeedMetersPerSecond = 3.0
    /// How far a detected centre is off, metres, with an exact pose.
    public static let detectionSigmaMeters = 0.2
    /// A box moves only when its speed is at least this many standard errors of its fitted
    /// velocity: a short track, or a sender whose pose is noisy from sweep to sweep, makes a
    /// parked car look like a mover.
    public static let significance = 3.0

    /// The movers of `collaborator` over `ageSeconds`, from its boxes followed back through
    /// its earlier snapshots (`tracker`); `nil` when there is nothing to move (no age, no
    /// earlier frame, no mover). A box is a mover when its speed reaches `minSpeed` and
    /// `significance` standard errors of its velocity, each followed centre taken to be off by
    /// `σ² = σ_d² + σ_p² + (d·σ_ψ)²` (detection, the sender's reported pose σ, and its yaw σ at
    /// the box's distance `d`).
    public static func estimate(_ collaborator: AgentObservation, ageSeconds: Double,
                                tracker: TrackedVelocity = TrackedVelocity()) -> ObjectMotion? {
        guard ageSeconds > 0, !collaborator.history.isEmpty, !collaborator.boxes.isEmpty else { return nil }
        let worldToSensor = collaborator.pose.inverse
        var movers: [Mover] = []
        for box in collaborator.boxes {
            let world = box.transformed(by: collaborator.pose)
            guard let fit = tracker.velocity(of: world, now: collaborator.captureTime, history: collaborator.history) else { continue }
            let v = fit.velocity, speed = (v.x * v.x + v.y * v.y).squareRoot()
            let pose = collaborator.poseUncertainty, yawShift = hypot(box.x, box.y) * pose.yawSigmaRadians
            let centreSigma = (detectionSigmaMeters * detectionSigmaMeters + pose.positionSigmaMeters * pose.positionSigmaMeters
                               + yawShift * yawShift).squareRoot()
            guard speed >= minSpeedMetersPerSecond, speed >= significance * fit.velocitySigma(centreSigmaMeters: centreSigma) else { continue }
            let shift = worldToSensor.rotate(SIMD3(v.x * ageSeconds, v.y * ageSeconds, 0))
            movers.append(Mover(box: box, shift: SIMD2(shift.x, shift.y)))
        }
        return movers.isEmpty ? nil : ObjectMotion(movers: movers)
    }

    /// `box` (sender frame) where it is now: shifted when it is one of the movers.
    public func moved(_ box: Box3D) -> Box3D {
        guard let mover = movers.first(where: { $0.box == box }) else { return box }
        var out = box
        out.x += mover.shift.x; out.y += mover.shift.y
        return out
    }

    /// Where to read the sender's map for the point `q` (sender frame, metres) as the scene
    /// is now, or `nil` when `q` is where a mover was and no longer is.
    public func sourcePosition(for q: SIMD2<Double>) -> SIMD2<Double>? {
        guard all(q .>= reach.min), all(q .<= reach.max) else { return q }
        for (mover, footprint) in zip(movers, footprints) where footprint.contains(q - mover.shift) { return q - mover.shift }
        for footprint in footprints where footprint.contains(q) { return nil }
        return q
    }

    /// A box's footprint grown by the margin, with its heading's cosine and sine worked out
    /// once: the warp asks about every cell of the map.
    struct Footprint: Sendable {
        let x: Double, y: Double
        let cosYaw: Double, sinYaw: Double
        let halfLength: Double, halfWidth: Double
        /// The circumscribed radius: points farther along either axis are outside.
        let radius: Double

        init(_ box: Box3D, marginMeters: Double) {
            x = box.x; y = box.y
            cosYaw = cos(box.yaw); sinYaw = sin(box.yaw)
            halfLength = box.l / 2 + marginMeters; halfWidth = box.w / 2 + marginMeters
            radius = (halfLength * halfLength + halfWidth * halfWidth).squareRoot()
        }

        func contains(_ p: SIMD2<Double>) -> Bool {
            let dx = p.x - x, dy = p.y - y
            guard abs(dx) <= radius, abs(dy) <= radius else { return false }
            return abs(cosYaw * dx + sinYaw * dy) <= halfLength && abs(-sinYaw * dx + cosYaw * dy) <= halfWidth
        }
    }
}

