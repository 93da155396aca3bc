/// Casts rays into a world of `SolidBox`es standing on the ground plane z = 0.
///
/// The boxes are searched through a `BoundingVolumeHierarchy`; the ground is intersected
/// analytically (`t = -origin.z / direction.z` for downward rays) and that distance bounds
/// the box search, so rays that reach the road prune most of the tree.
struct RayCaster: Sendable {
    /// The nearest surface a ray meets.
    struct Return: Sendable, Equatable {
        /// Distance along the unit ray, metres.
        var distance: Float
        /// |cos| of the angle between the ray and the surface normal.
        var cosIncidence: Float
        /// Diffuse reflectivity of the surface in [0, 1].
        var reflectivity: Float
        /// Index of the box hit, or `nil` for the ground.
        var boxIndex: Int?
    }

    let boxes: [SolidBox]
    let hierarchy: BoundingVolumeHierarchy
    let ground: GroundMaterialMap

    init(boxes: [SolidBox], ground: GroundMaterialMap) {
        self.boxes = boxes
        hierarchy = BoundingVolumeHierarchy(boxes: boxes)
        self.ground = ground
    }

    /// Runs `body` with a caster view valid only inside (no per-ray array retains).
    func withContext<R>(_ body: (Context) throws -> R) rethrows -> R {
        try hierarchy.withTraversal { try body(Context(traversal: $0, ground: ground)) }
    }

    /// Nearest return of one ray (convenience over `withContext`); by default no owner is ignored.
    func cast(origin: SIMD3<Float>, direction: SIMD3<Float>, maxDistance: Float, ignoringOwner: Int32 = Int32.min) -> Return? {
        withContext { $0.cast(origin: origin, direction: direction, maxDistance: maxDistance, ignoringOwner: ignoringOwner) }
    }

    /// A caster bound to the hierarchy's storage for a batch of rays.
    struct Context {
        let traversal: BoundingVolumeHierarchy.Traversal
        let ground: GroundMaterialMap

        /// The nearest return within `maxDistance` metres of a unit ray, ignoring boxes
        /// owned by `ignoringOwner` (the sensor's own carrier).
        @inline(__always)
        func cast(origin: SIMD3<Float>, direction: SIMD3<Float>, maxDistance: Float, ignoringOwner: Int32) -> Return? {
            var limit = maxDistance
            var groundHit = false
            if direction.z < 0 && origin.z > 0 {
                let t = -origin.z / direction.z
                if t < limit { limit = t; groundHit = true }
            }
            if let hit = traversal.nearestHit(origin: origin, direction: direction, maxDistance: limit, ignoringOwner: ignoringOwner) {
                return Return(distance: hit.distance, cosIncidence: hit.cosIncidence, reflectivity: hit.reflectivity, boxIndex: hit.boxIndex)
            }
            guard groundHit else { return nil }
            let p = origin + limit * direction
            return Return(distance: limit, cosIncidence: -direction.z, reflectivity: ground.reflectivity(x: p.x, y: p.y), boxIndex: nil)
        }
    }
}
