import Foundation

/// An upright solid box in the world (REP 103, metres, radians): the one primitive the
/// generator's worlds are made of (building blocks, vehicle bodies and cabins, walls,
/// tree trunks and crowns).
///
/// The box rotates about +z only (`yaw`), so ray tests reduce to a 2D rotation of the ray
/// followed by the slab test against an axis-aligned box.
struct SolidBox: Sendable, Equatable {
    /// Centre in metres.
    var center: SIMD3<Double>
    /// Half extents along the box's own x (length), y (width) and z (height), metres.
    var halfExtents: SIMD3<Double>
    /// Heading about +z, radians.
    var yaw: Double
    /// Diffuse reflectivity of the surface in [0, 1] (LiDAR intensity at normal incidence).
    var reflectivity: Double
    /// Who the box belongs to: an object id for vehicles (so a sensor can ignore its own
    /// carrier), `SolidBox.staticOwner` for scenery.
    var ownerID: Int32

    /// Owner of scenery that belongs to no object.
    static let staticOwner: Int32 = -1

    /// A box standing on `baseZ` with full dimensions, at a position and heading.
    init(x: Double, y: Double, baseZ: Double, length: Double, width: Double, height: Double,
         yaw: Double, reflectivity: Double, ownerID: Int32 = SolidBox.staticOwner) {
        center = SIMD3(x, y, baseZ + height / 2)
        halfExtents = SIMD3(length / 2, width / 2, height / 2)
        self.yaw = yaw
        self.reflectivity = reflectivity
        self.ownerID = ownerID
    }

    /// World-frame axis-aligned bounds `(min, max)`.
    var bounds: (lower: SIMD3<Double>, upper: SIMD3<Double>) {
        let c = abs(cos(yaw)), s = abs(sin(yaw))
        let ex = c * halfExtents.x + s * halfExtents.y
        let ey = s * halfExtents.x + c * halfExtents.y
        let e = SIMD3(ex, ey, halfExtents.z)
        return (center - e, center + e)
    }

    /// The nearest intersection of the ray `origin + t·direction` (unit `direction`) with
    /// the box surface for `t > 0`, and the cosine between the ray and the surface normal
    /// there. A ray starting inside the box hits the far side.
    func intersection(origin: SIMD3<Double>, direction: SIMD3<Double>) -> (distance: Double, cosIncidence: Double)? {
        let c = cos(yaw), s = sin(yaw)
        let d = origin - center
        let lo = SIMD3(c * d.x + s * d.y, -s * d.x + c * d.y, d.z)
        let ld = SIMD3(c * direction.x + s * direction.y, -s * direction.x + c * direction.y, direction.z)
        var tNear = -Double.infinity, tFar = Double.infinity
        var nearAxis = 0, farAxis = 0
        for axis in 0..<3 {
            if ld[axis] == 0 {
                if abs(lo[axis]) > halfExtents[axis] { return nil }
                continue
            }
            var t1 = (-halfExtents[axis] - lo[axis]) / ld[axis]
            var t2 = (halfExtents[axis] - lo[axis]) / ld[axis]
            if t1 > t2 { swap(&t1, &t2) }
            if t1 > tNear { tNear = t1; nearAxis = axis }
            if t2 < tFar { tFar = t2; farAxis = axis }
        }
        guard tNear <= tFar, tFar > 0 else { return nil }
        if tNear > 0 { return (tNear, abs(ld[nearAxis])) }
        return (tFar, abs(ld[farAxis]))
    }
}
