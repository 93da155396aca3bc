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
        // A rectangle's vertex mean is its centre and its circumradius ½·√(l² + w²).
        self.init(
            vertices: box.bevCorners, area: box.l * box.w, center: SIMD2(box.x, box.y),
            radius: 0.5 * (box.l * box.l + box.w * box.w).squareRoot()
        )
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
        if vertices.isEmpty {
            self.init(vertices: [], area: 0, center: .zero, radius: 0)
        } else {
            let c = vertices.reduce(SIMD2<Double>.zero, +) / Double(vertices.count)
            self.init(
                vertices: vertices, area: Self.shoelaceArea(vertices), center: c,
                radius: vertices.map { Self.length($0 - c) }.max() ?? 0
            )
        }
    }

    private init(vertices: [SIMD2<Double>], area: Double, center: SIMD2<Double>, radius: Double) {
        self.vertices = vertices
        self.area = area
        boundingCenter = center
        boundingRadius = radius
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
    ///
    /// A convex polygon crosses a line at most twice, so each step adds at most two
    /// vertices and the work fits in a fixed scratch of `2·(n + 2m)` points (no heap
    /// allocation for boxes). Should rounding make a nearly-degenerate subject appear to
    /// cross a line more often, crossings after the second are dropped: they lie within
    /// rounding error of the line and change the area by as much.
    public func intersection(_ other: BEVPolygon) -> [SIMD2<Double>] {
        withClipped(by: other) { $0.map { $0 + boundingCenter } }
    }

    /// Area of the intersection in m² (0 when the polygons are disjoint or only touch).
    public func intersectionArea(with other: BEVPolygon) -> Double {
        guard boundingCirclesOverlap(other) else { return 0 }
        return withClipped(by: other) { max(0, Self.shoelaceArea($0)) }
    }

    /// Runs `body` on the intersection in coordinates relative to `boundingCenter`.
    private func withClipped<R>(by other: BEVPolygon, _ body: (UnsafeBufferPointer<SIMD2<Double>>) -> R) -> R {
        let n = vertices.count, m = other.vertices.count
        guard n > 0, m > 0, boundingCirclesOverlap(other) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let capacity = n + 2 * m
        let origin = boundingCenter
        return withUnsafeTemporaryAllocation(of: SIMD2<Double>.self, capacity: 2 * capacity) { scratch in
            // Two halves of the scratch take turns as input and output of a clipping step.
            // Each step writes at most (input count + 2) ≤ capacity points.
            var input = UnsafeMutableBufferPointer(rebasing: scratch[0..<capacity])
            var output = UnsafeMutableBufferPointer(rebasing: scratch[capacity..<(2 * capacity)])
            for k in 0..<n { input[k] = vertices[k] - origin }
            var count = n
            for j in 0..<m {
                let a = other.vertices[j] - origin
                let edge = (other.vertices[(j + 1) % m] - origin) - a
                var written = 0, crossings = 0
                var p = input[count - 1]
                var dp = Self.cross(edge, p - a)
                for k in 0..<count {
                    let q = input[k]
                    let dq = Self.cross(edge, q - a)
                    if (dp > 0 && dq < 0) || (dp < 0 && dq > 0), crossings < 2 {
                        output[written] = p + (q - p) * (dp / (dp - dq))
                        written += 1
                        crossings += 1
                    }
                    if dq >= 0 {
                        output[written] = q
                        written += 1
                    }
                    p = q
                    dp = dq
                }
                swap(&input, &output)
                count = written
                if count == 0 { break }
            }
            return body(UnsafeBufferPointer(rebasing: input[0..<count]))
        }
    }

    /// Signed area by the shoelace formula, positive for counter-clockwise vertices.
    static func shoelaceArea<C: Collection>(_ v: C) -> Double where C.Element == SIMD2<Double>, C.Index == Int {
        guard v.count >= 3 else { return 0 }
        var twice = 0.0
        var p = v[v.startIndex + v.count - 1]
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
