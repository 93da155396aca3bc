import Foundation

/// An upright 3D box: centre, full dimensions and heading.
///
/// `(x, y, z)` is the box centre in metres; `l` is the length along the heading, `w`
/// the width, `h` the height (full extents, not half); `yaw` is the heading about +z
/// in radians. In detection files the frame is the ego LiDAR frame (DESIGN.md).
public struct Box3D: Sendable, Equatable, Codable, Hashable {
    public var x: Double
    public var y: Double
    public var z: Double
    public var l: Double
    public var w: Double
    public var h: Double
    public var yaw: Double
    /// Detection confidence in [0, 1]; `nil` for ground truth.
    public var score: Double?
    public var label: ObjectClass

    public init(
        x: Double, y: Double, z: Double, l: Double, w: Double, h: Double, yaw: Double,
        score: Double? = nil, label: ObjectClass = .car
    ) {
        self.x = x; self.y = y; self.z = z
        self.l = l; self.w = w; self.h = h
        self.yaw = yaw
        self.score = score
        self.label = label
    }

    /// The centre as a vector.
    public var center: SIMD3<Double> { SIMD3(x, y, z) }

    /// The four BEV corners, counter-clockwise, starting front-left.
    public var bevCorners: [SIMD2<Double>] {
        let (c, s) = (cos(yaw), sin(yaw))
        let hl = l / 2, hw = w / 2
        return [(hl, hw), (-hl, hw), (-hl, -hw), (hl, -hw)].map { (dx, dy) in
            SIMD2(x + c * dx - s * dy, y + s * dx + c * dy)
        }
    }

    /// Whether a point lies inside the box (optionally grown by `margin` metres on every side).
    public func contains(_ p: SIMD3<Double>, margin: Double = 0) -> Bool {
        let dx = p.x - x, dy = p.y - y
        let (c, s) = (cos(yaw), sin(yaw))
        let lx = c * dx + s * dy
        let ly = -s * dx + c * dy
        return abs(lx) <= l / 2 + margin && abs(ly) <= w / 2 + margin && abs(p.z - z) <= h / 2 + margin
    }

    /// Whether the box's bird's-eye-view footprint (its rectangle, height ignored) holds the
    /// planar point `(px, py)`, edges included.
    public func footprintContains(x px: Double, y py: Double) -> Bool {
        let dx = px - x, dy = py - y
        let (c, s) = (cos(yaw), sin(yaw))
        return abs(c * dx + s * dy) <= l / 2 && abs(-s * dx + c * dy) <= w / 2
    }

    /// The same box expressed in another frame: `pose` maps this box's frame into the new one.
    public func transformed(by pose: Pose) -> Box3D {
        var out = self
        let c = pose.apply(center)
        out.x = c.x; out.y = c.y; out.z = c.z
        out.yaw = Box3D.normalizedAngle(yaw + pose.yaw)
        return out
    }

    /// Wraps an angle into (-π, π].
    public static func normalizedAngle(_ a: Double) -> Double {
        var r = a.truncatingRemainder(dividingBy: 2 * .pi)
        if r <= -.pi { r += 2 * .pi }
        if r > .pi { r -= 2 * .pi }
        return r
    }
}
