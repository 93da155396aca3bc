import Foundation

/// A bounding volume hierarchy over the world's `SolidBox`es, for nearest-hit ray queries
/// in O(log n) instead of a loop over every box.
///
/// Built top-down with the surface-area heuristic over 12 centroid bins; nodes are stored
/// depth-first in one array, the two children of an inner node next to each other:
///
/// ```
/// nodes:  [root | L R | LL LR | …]    inner: first = index of left child, count = 0
///                                     leaf:  first = index into `boxes`, count ≥ 1
/// boxes:  packed Float copies of the SolidBoxes in leaf order
/// ```
/// Queries run in `Float` (world coordinates within a few kilometres keep millimetre
/// precision).
struct BoundingVolumeHierarchy: Sendable {
    /// One node: world bounds and either two children or a run of boxes.
    struct Node: Sendable {
        var lower: SIMD4<Float>
        var upper: SIMD4<Float>
        var first: Int32
        var count: Int32
    }

    /// A box prepared for the ray test: centre (w = reflectivity), half extents, yaw as
    /// cosine and sine, owner, and its index in the input array.
    struct PackedBox: Sendable {
        var center: SIMD4<Float>
        var half: SIMD4<Float>
        var cosYaw: Float
        var sinYaw: Float
        var ownerID: Int32
        var sourceIndex: Int32
    }

    /// The nearest surface a ray meets.
    struct Hit: Sendable, Equatable {
        /// Distance along the (unit) ray, metres.
        var distance: Float
        /// Index of the box in the array the hierarchy was built from.
        var boxIndex: Int
        /// Cosine between the ray and the surface normal at the hit, in [0, 1].
        var cosIncidence: Float
        /// The box's reflectivity.
        var reflectivity: Float
    }

    private(set) var nodes: [Node] = []
    private(set) var boxes: [PackedBox] = []
    /// Depth of the deepest leaf (root = 0); sizes the traversal stack.
    private(set) var depth = 0

    /// Leaves hold at most this many boxes unless they cannot be split.
    static let maxLeafSize = 4
    private static let binCount = 12

    /// Builds the hierarchy. An empty input gives an empty hierarchy that never hits.
    init(boxes input: [SolidBox]) {
        guard !input.isEmpty else { return }
        var lowers = [SIMD3<Double>](), uppers = [SIMD3<Double>](), centroids = [SIMD3<Double>]()
        lowers.reserveCapacity(input.count); uppers.reserveCapacity(input.count); centroids.reserveCapacity(input.count)
        for box in input {
            let b = box.bounds
            lowers.append(b.lower); uppers.append(b.upper); centroids.append((b.lower + b.upper) / 2)
        }
        var order = Array(0..<input.count)
        nodes.reserveCapacity(2 * input.count)
        nodes.append(Node(lower: .zero, upper: .zero, first: 0, count: 0))
        build(node: 0, level: 0, range: 0..<input.count, order: &order, lowers: lowers, uppers: uppers, centroids: centroids)
        boxes = order.map { i in
            let b = input[i]
            return PackedBox(
                center: SIMD4(Float(b.center.x), Float(b.center.y), Float(b.center.z), Float(b.reflectivity)),
                half: SIMD4(Float(b.halfExtents.x), Float(b.halfExtents.y), Float(b.halfExtents.z), 0),
                cosYaw: Float(cos(b.yaw)), sinYaw: Float(sin(b.yaw)), ownerID: b.ownerID, sourceIndex: Int32(i)
            )
        }
    }

    private mutating func build(
        node: Int, level: Int, range: Range<Int>, order: inout [Int],
        lowers: [SIMD3<Double>], uppers: [SIMD3<Double>], centroids: [SIMD3<Double>]
    ) {
        depth = max(depth, level)
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        var clo = lo, chi = hi
        for k in range {
            let i = order[k]
            lo = pointwiseMin(lo, lowers[i]); hi = pointwiseMax(hi, uppers[i])
            clo = pointwiseMin(clo, centroids[i]); chi = pointwiseMax(chi, centroids[i])
        }
        // Bounds are rounded outwards to Float so that Float queries never miss a box.
        nodes[node].lower = SIMD4(Float(lo.x).nextDown, Float(lo.y).nextDown, Float(lo.z).nextDown, 0)
        nodes[node].upper = SIMD4(Float(hi.x).nextUp, Float(hi.y).nextUp, Float(hi.z).nextUp, 0)
        let count = range.count
        func makeLeaf() {
            nodes[node].first = Int32(range.lowerBound)
            nodes[node].count = Int32(count)
        }
        if count <= 2 { return makeLeaf() }
        let extent = chi - clo
        let axis = extent.x >= extent.y ? (extent.x >= extent.z ? 0 : 2) : (extent.y >= extent.z ? 1 : 2)
        var split: Int
        if extent[axis] <= 1e-9 {
            if count <= Self.maxLeafSize { return makeLeaf() }
            split = range.lowerBound + count / 2  // identical centroids: halve the run
        } else {
            // Binned SAH: cost(i) = nLeft·area(left) + nRight·area(right).
            let bins = Self.binCount
            var binLo = [SIMD3<Double>](repeating: SIMD3(repeating: .infinity), count: bins)
            var binHi = [SIMD3<Double>](repeating: SIMD3(repeating: -.infinity), count: bins)
            var binCount = [Int](repeating: 0, count: bins)
            let scale = Double(bins) / extent[axis]
            func bin(_ i: Int) -> Int { min(bins - 1, Int((centroids[i][axis] - clo[axis]) * scale)) }
            for k in range {
                let i = order[k], b = bin(i)
                binCount[b] += 1
                binLo[b] = pointwiseMin(binLo[b], lowers[i]); binHi[b] = pointwiseMax(binHi[b], uppers[i])
            }
            func area(_ l: SIMD3<Double>, _ h: SIMD3<Double>) -> Double {
                let d = h - l
                return d.x * d.y + d.y * d.z + d.z * d.x
            }
            var rightArea = [Double](repeating: 0, count: bins), rightCount = [Int](repeating: 0, count: bins)
            var rl = SIMD3<Double>(repeating: .infinity), rh = SIMD3<Double>(repeating: -.infinity), rc = 0
            for b in stride(from: bins - 1, to: 0, by: -1) {
                rc += binCount[b]; rl = pointwiseMin(rl, binLo[b]); rh = pointwiseMax(rh, binHi[b])
                rightArea[b] = rc > 0 ? area(rl, rh) : 0; rightCount[b] = rc
            }
            var ll = SIMD3<Double>(repeating: .infinity), lh = SIMD3<Double>(repeating: -.infinity), lc = 0
            var bestCost = Double.infinity, bestBin = 1
            for b in 1..<bins {
                lc += binCount[b - 1]; ll = pointwiseMin(ll, binLo[b - 1]); lh = pointwiseMax(lh, binHi[b - 1])
                guard lc > 0, rightCount[b] > 0 else { continue }
                let cost = Double(lc) * area(ll, lh) + Double(rightCount[b]) * rightArea[b]
                if cost < bestCost { bestCost = cost; bestBin = b }
            }
            let leafCost = Double(count) * area(lo, hi)
            if count <= Self.maxLeafSize && bestCost >= leafCost { return makeLeaf() }
            var l = range.lowerBound, r = range.upperBound - 1
            while l <= r {
                if bin(order[l]) < bestBin { l += 1 } else { order.swapAt(l, r); r -= 1 }
            }
            split = l
            if split == range.lowerBound || split == range.upperBound { split = range.lowerBound + count / 2 }
        }
        let left = nodes.count
        nodes.append(Node(lower: .zero, upper: .zero, first: 0, count: 0))
        nodes.append(Node(lower: .zero, upper: .zero, first: 0, count: 0))
        nodes[node].first = Int32(left)
        nodes[node].count = 0
        build(node: left, level: level + 1, range: range.lowerBound..<split, order: &order, lowers: lowers, uppers: uppers, centroids: centroids)
        build(node: left + 1, level: level + 1, range: split..<range.upperBound, order: &order, lowers: lowers, uppers: uppers, centroids: centroids)
    }

    /// Runs `body` with a traversal view over the hierarchy's storage (valid only inside).
    func withTraversal<R>(_ body: (Traversal) throws -> R) rethrows -> R {
        try nodes.withUnsafeBufferPointer { n in
            try boxes.withUnsafeBufferPointer { b in
                try withUnsafeTemporaryAllocation(of: Int32.self, capacity: depth + 2) { stack in
                    try body(Traversal(nodes: n, boxes: b, stack: stack))
                }
            }
        }
    }

    /// Nearest hit of one ray (convenience over `withTraversal`).
    func nearestHit(origin: SIMD3<Float>, direction: SIMD3<Float>, maxDistance: Float, ignoringOwner: Int32) -> Hit? {
        withTraversal { $0.nearestHit(origin: origin, direction: direction, maxDistance: maxDistance, ignoringOwner: ignoringOwner) }
    }

    /// Unsafe read-only view used inside `withTraversal`; not to be stored.
    struct Traversal {
        let nodes: UnsafeBufferPointer<Node>
        let boxes: UnsafeBufferPointer<PackedBox>
        let stack: UnsafeMutableBufferPointer<Int32>

        /// The nearest box surface hit by the unit ray at a distance in (0, `maxDistance`),
        /// skipping boxes owned by `ignoringOwner`.
        @inline(__always)
        func nearestHit(origin: SIMD3<Float>, direction: SIMD3<Float>, maxDistance: Float, ignoringOwner: Int32) -> Hit? {
            guard !nodes.isEmpty else { return nil }
            let o4 = SIMD4(origin.x, origin.y, origin.z, 0)
            let inv = SIMD4(1 / direction.x, 1 / direction.y, 1 / direction.z, 1)
            var best = maxDistance
            var bestBox: Int32 = -1
            // Each level of descent pushes at most one entry, so `depth + 2` entries suffice.
            var top = 0
            var current: Int32 = 0
            while true {
                // Safe: `current` is always a valid node index written by `init`.
                let node = nodes[Int(current)]
                if node.count > 0 {
                    let end = Int(node.first + node.count)
                    for k in Int(node.first)..<end {
                        let b = boxes[k]
                        if b.ownerID == ignoringOwner { continue }
                        let t = Self.boxDistance(b, origin: origin, direction: direction)
                        if t < best { best = t; bestBox = Int32(k) }
                    }
                } else {
                    let leftIndex = Int(node.first)
                    let tl = Self.slab(nodes[leftIndex], o4, inv, best)
                    let tr = Self.slab(nodes[leftIndex + 1], o4, inv, best)
                    if tl < best {
                        if tr < best {
                            // Visit the nearer child first, keep the other for later.
                            if tl <= tr {
                                stack[top] = Int32(leftIndex + 1); top += 1; current = Int32(leftIndex)
                            } else {
                                stack[top] = Int32(leftIndex); top += 1; current = Int32(leftIndex + 1)
                            }
                        } else {
                            current = Int32(leftIndex)
                        }
                        continue
                    } else if tr < best {
                        current = Int32(leftIndex + 1)
                        continue
                    }
                }
                // Pop until a node that may still hold something nearer than `best`.
                var found = false
                while top > 0 {
                    top -= 1
                    let candidate = stack[top]
                    if Self.slab(nodes[Int(candidate)], o4, inv, best) < best { current = candidate; found = true; break }
                }
                if !found { break }
            }
            guard bestBox >= 0 else { return nil }
            let b = boxes[Int(bestBox)]
            return Hit(
                distance: best, boxIndex: Int(b.sourceIndex),
                cosIncidence: Self.cosIncidence(b, origin: origin, direction: direction, distance: best),
                reflectivity: b.center.w
            )
        }

        /// Entry distance into a node's bounds, or +∞ when the ray misses or enters beyond `limit`.
        /// Written lane by lane: the generic SIMD `pointwiseMin`/`pointwiseMax` are not
        /// inlined across the module boundary and cost a call each (seen in `perf`).
        @inline(__always)
        static func slab(_ node: Node, _ o: SIMD4<Float>, _ inv: SIMD4<Float>, _ limit: Float) -> Float {
            let t0 = (node.lower - o) * inv
            let t1 = (node.upper - o) * inv
            let nx = t0.x < t1.x ? t0.x : t1.x, fx = t0.x < t1.x ? t1.x : t0.x
            let ny = t0.y < t1.y ? t0.y : t1.y, fy = t0.y < t1.y ? t1.y : t0.y
            let nz = t0.z < t1.z ? t0.z : t1.z, fz = t0.z < t1.z ? t1.z : t0.z
            var near: Float = nx > ny ? nx : ny
            if nz > near { near = nz }
            if near < 0 { near = 0 }
            var far: Float = fx < fy ? fx : fy
            if fz < far { far = fz }
            if limit < far { far = limit }
            return near <= far ? near : .infinity
        }

        /// |cos| of the angle between the ray and the normal of the face hit at `distance`:
        /// the face is the one whose slab the hit point lies on (largest |local|/half).
        @inline(__always)
        static func cosIncidence(_ b: PackedBox, origin: SIMD3<Float>, direction: SIMD3<Float>, distance: Float) -> Float {
            let p = origin + distance * direction
            let dx = p.x - b.center.x, dy = p.y - b.center.y
            let local = SIMD3(b.cosYaw * dx + b.sinYaw * dy, -b.sinYaw * dx + b.cosYaw * dy, p.z - b.center.z)
            let ld = SIMD3(
                b.cosYaw * direction.x + b.sinYaw * direction.y,
                -b.sinYaw * direction.x + b.cosYaw * direction.y, direction.z
            )
            let r = SIMD3(abs(local.x) / b.half.x, abs(local.y) / b.half.y, abs(local.z) / b.half.z)
            if r.x >= r.y && r.x >= r.z { return abs(ld.x) }
            return r.y >= r.z ? abs(ld.y) : abs(ld.z)
        }

        /// Distance to the box surface along the ray (far side when starting inside), or +∞.
        @inline(__always)
        static func boxDistance(_ b: PackedBox, origin: SIMD3<Float>, direction: SIMD3<Float>) -> Float {
            let dx = origin.x - b.center.x, dy = origin.y - b.center.y
            let lx = b.cosYaw * dx + b.sinYaw * dy, ly = -b.sinYaw * dx + b.cosYaw * dy, lz = origin.z - b.center.z
            let ix = 1 / (b.cosYaw * direction.x + b.sinYaw * direction.y)
            let iy = 1 / (-b.sinYaw * direction.x + b.cosYaw * direction.y)
            let iz = 1 / direction.z
            let ax = (-b.half.x - lx) * ix, bx = (b.half.x - lx) * ix
            let ay = (-b.half.y - ly) * iy, by = (b.half.y - ly) * iy
            let az = (-b.half.z - lz) * iz, bz = (b.half.z - lz) * iz
            var near: Float = ax < bx ? ax : bx
            var far: Float = ax < bx ? bx : ax
            let ny = ay < by ? ay : by, fy = ay < by ? by : ay
            let nz = az < bz ? az : bz, fz = az < bz ? bz : az
            if ny > near { near = ny }
            if nz > near { near = nz }
            if fy < far { far = fy }
            if fz < far { far = fz }
            guard near <= far, far > 0 else { return .infinity }
            return near > 0 ? near : far
        }
    }
}
