/// A convex polygon in the bird's-eye-view plane (x forward, y left, metres), vertices
/// counter-clockwise.
///
/// Built once per box, it caches what every overlap test needs: the vertices, the area
/// (shoelace formula) and a bounding circle (centre = mean of the vertices, radius = the
/// largest vertex distance from it; for a box footprint this is the circumscribed circle,
/// radius `½·√(l² + w²)`). Two polygons whose bounding circles do not overlap
/// (`|c₁ − c₂| ≥ r₁ + r₂`) cannot intersect, which rejects most pairs without clipping.
///
/// ```
///        v1 ───────── v0        box footprint: v0 front-left, v1 rear-left,
///        │      ↑ yaw  │        v2 rear-right, v3 front-right (Box3D.bevCorners)
///        v2 ───────── v3
/// ```
public struct BEVPolygon: Sendable, Equatable {
    /// Vertices, counter-clockwise (positive shoelace area).
    public let vertices: [SIMD2<Double>]
    /// Area in m²: `½·Σᵢ (xᵢ·yᵢ₊₁ − xᵢ₊₁·yᵢ)`.
    public let area: Double
    /// Centre of the bounding circle: the mean of the vertices.
    public let boundingCenter: SIMD2<Double>
    /// Radius of the bounding circle: `maxᵢ |vᵢ − boundingCenter|`.
    public let boundingRadius: Double

    /// The footprint of a box: its four `bevCorners`, counter-clockwise.
    ///
    /// A box with a non-positive or non-finite length or width, or non-finite centre or
    /// yaw, gives an empty polygon (no vertices, area 0) that overlaps nothing.
    public init(box: Box3D) {
        let finite = [box.x, box.y, box.l, box.w, box.yaw].allSatisfy(\.isFinite)
        guard finite, box.l > 0, box.w > 0 else {
            self.init(uncheckedVertices: [])
            return
        }
        self.init(uncheckedVertices: box.bevCorners)
    }

    /// A convex polygon from its vertices.
    /// - Parameter vertices: at least 3 finite points, counter-clockwise, every turn a
    ///   left turn or straight (`cross(vᵢ₊₁ − vᵢ, vᵢ₊₂ − vᵢ₊₁) ≥ 0`), positive area.
    /// - Throws: `V2XError.invalidArgument` when the points are too few, not finite,
    ///   clockwise, not convex, or enclose no area.
    public init(convexVertices vertices: [SIMD2<Double>]) throws {
        guard vertices.count >= 3 else {
            throw V2XError(.invalidArgument, "a polygon needs at least 3 vertices, got \(vertices.count)")
        }
        guard vertices.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw V2XError(.nonFiniteValue, "polygon vertex is not finite")
        }
        let n = vertices.count
        for i in 0..<n {
            let a = vertices[i], b = vertices[(i + 1) % n], c = vertices[(i + 2) % n]
            if Self.cross(b - a, c - b) < 0 {
                throw V2XError(.invalidArgument, "polygon is not convex and counter-clockwise at vertex \((i + 1) % n)")
            }
        }
        self.init(uncheckedVertices: vertices)
        guard area > 0 else {
            throw V2XError(.invalidArgument, "polygon encloses no area")
        }
    }

    private init(uncheckedVertices vertices: [SIMD2<Double>]) {
        self.vertices = vertices
        area = Self.shoelaceArea(vertices)
        if vertices.isEmpty {
            boundingCenter = .zero
            boundingRadius = 0
        } else {
            let c = vertices.reduce(SIMD2<Double>.zero, +) / Double(vertices.count)
            boundingCenter = c
            boundingRadius = vertices.map { Self.length($0 - c) }.max() ?? 0
        }
    }

    /// Whether the bounding circles of two polygons overlap (a cheap necessary condition
    /// for a non-zero intersection): `|c₁ − c₂|² < (r₁ + r₂)²`.
    @inlinable
    public func boundingCirclesOverlap(_ other: BEVPolygon) -> Bool {
        let d = boundingCenter - other.boundingCenter
        let r = boundingRadius + other.boundingRadius
        return d.x * d.x + d.y * d.y < r * r
    }

    /// The intersection of two convex polygons, counter-clockwise (possibly empty).
    ///
    /// Sutherland–Hodgman clipping of `self` by each edge of `other`: a point `p` is kept
    /// for edge `a → b` when `cross(b − a, p − a) ≥ 0` (on or left of the edge), and an
    /// edge of the subject that crosses the line strictly is cut at
    /// `p + (q − p)·dₚ / (dₚ − d_q)`. Coordinates are shifted to `self`'s bounding centre
    /// first, so boxes hundreds of metres from the origin keep full precision. The result
    /// may carry repeated or collinear vertices where edges touch; they add no area.
    public func intersection(_ other: BEVPolygon) -> [SIMD2<Double>] {
        clipped(by: other).map { $0 + boundingCenter }
    }

    /// Area of the intersection in m² (0 when the polygons are disjoint or only touch).
    public func intersectionArea(with other: BEVPolygon) -> Double {
        guard boundingCirclesOverlap(other) else { return 0 }
        return max(0, Self.shoelaceArea(clipped(by: other)))
    }

    /// The intersection in coordinates relative to `boundingCenter`.
    private func clipped(by other: BEVPolygon) -> [SIMD2<Double>] {
        guard !vertices.isEmpty, !other.vertices.isEmpty, boundingCirclesOverlap(other) else { return [] }
        let origin = boundingCenter
        var current = vertices.map { $0 - origin }
        var next: [SIMD2<Double>] = []
        current.reserveCapacity(vertices.count + other.vertices.count)
        next.reserveCapacity(vertices.count + other.vertices.count)
        let clip = other.vertices.map { $0 - origin }
        for j in clip.indices {
            let a = clip[j], edge = clip[(j + 1) % clip.count] - a
            next.removeAll(keepingCapacity: true)
            var p = current[current.count - 1]
            var dp = Self.cross(edge, p - a)
            for q in current {
                let dq = Self.cross(edge, q - a)
                if (dp > 0 && dq < 0) || (dp < 0 && dq > 0) {
                    next.append(p + (q - p) * (dp / (dp - dq)))
                }
                if dq >= 0 { next.append(q) }
                p = q
                dp = dq
            }
            swap(&current, &next)
            if current.isEmpty { return [] }
        }
        return current
    }

    /// Signed area by the shoelace formula, positive for counter-clockwise vertices.
    static func shoelaceArea(_ v: [SIMD2<Double>]) -> Double {
        guard v.count >= 3 else { return 0 }
        var twice = 0.0
        var p = v[v.count - 1]
        for q in v {
            twice += p.x * q.y - q.x * p.y
            p = q
        }
        return twice / 2
    }

    /// The z component of the 2D cross product `u × v = uₓ·v_y − u_y·vₓ`.
    @inlinable
    static func cross(_ u: SIMD2<Double>, _ v: SIMD2<Double>) -> Double { u.x * v.y - u.y * v.x }

    static func length(_ v: SIMD2<Double>) -> Double { (v.x * v.x + v.y * v.y).squareRoot() }
}
