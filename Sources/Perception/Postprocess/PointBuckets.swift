import Foundation
import V2XCore

/// The returns that can fall in a box (finite, between the lowest box floor and the
/// highest roof) bucketed on a coarse BEV grid, so each box visits only the buckets it overlaps.
/// Building it is one counting sort, linear in the cloud.
struct PointBuckets {
    static let bucketMeters = 2.0
    var x: [Double] = [], y: [Double] = [], z: [Double] = []
    /// Points of bucket `b` are `start[b]..<start[b + 1]`.
    var start: [Int] = [0]
    var originX = 0.0, originY = 0.0
    var columns = 0, rows = 0

    init(_ cloud: PointCloud, zRange: ClosedRange<Double>) {
        // Pass 1: the points in the z range, and their BEV extent.
        var keep: [Int32] = []
        keep.reserveCapacity(cloud.count / 2)
        var low = SIMD2<Float>(repeating: .infinity), high = SIMD2<Float>(repeating: -.infinity)
        cloud.x.withUnsafeBufferPointer { xs in
            cloud.y.withUnsafeBufferPointer { ys in
                cloud.z.withUnsafeBufferPointer { zs in
                    for i in 0..<cloud.count {
                        let p = SIMD2(xs[i], ys[i])
                        guard p.x.isFinite, p.y.isFinite, zRange.contains(Double(zs[i])) else { continue }
                        keep.append(Int32(i))
                        low = pointwiseMin(low, p); high = pointwiseMax(high, p)
                    }
                }
            }
        }
        guard !keep.isEmpty else { return }
        originX = Double(low.x); originY = Double(low.y)
        columns = Int((Double(high.x) - originX) / Self.bucketMeters) + 1
        rows = Int((Double(high.y) - originY) / Self.bucketMeters) + 1
        // Pass 2: a counting sort of the kept points by bucket.
        let bucketOf = keep.map { bucket(Double(cloud.x[Int($0)]), Double(cloud.y[Int($0)])) }
        var counts = [Int](repeating: 0, count: columns * rows + 1)
        for b in bucketOf { counts[b + 1] += 1 }
        for b in 0..<(columns * rows) { counts[b + 1] += counts[b] }
        start = counts
        var next = counts
        // The point index of each slot, in bucket order; then the coordinates gathered by it.
        var pointOfSlot = [Int32](repeating: 0, count: keep.count)
        for (k, i) in keep.enumerated() {
            pointOfSlot[next[bucketOf[k]]] = i
            next[bucketOf[k]] += 1
        }
        x = pointOfSlot.map { Double(cloud.x[Int($0)]) }
        y = pointOfSlot.map { Double(cloud.y[Int($0)]) }
        z = pointOfSlot.map { Double(cloud.z[Int($0)]) }
    }

    private func bucket(_ px: Double, _ py: Double) -> Int {
        let column = min(columns - 1, max(0, Int((px - originX) / Self.bucketMeters)))
        let row = min(rows - 1, max(0, Int((py - originY) / Self.bucketMeters)))
        return row * columns + column
    }

    /// BEV positions of the points inside `box` grown by `margin` in BEV, from
    /// `groundClearance` above its floor to `margin` above its roof.
    func points(in box: Box3D, margin: Double, groundClearance: Double) -> [SIMD2<Double>] {
        var out: [SIMD2<Double>] = []
        forEachPoint(in: box, margin: margin, groundClearance: groundClearance) { out.append(SIMD2(x[$0], y[$0])) }
        return out
    }

    /// `points(in:margin:groundClearance:)` with their heights.
    func points3D(in box: Box3D, margin: Double, groundClearance: Double) -> [SIMD3<Double>] {
        var out: [SIMD3<Double>] = []
        forEachPoint(in: box, margin: margin, groundClearance: groundClearance) { out.append(SIMD3(x[$0], y[$0], z[$0])) }
        return out
    }

    /// Calls `body` with the slot of each point inside `box` (as `points(in:)` defines it).
    private func forEachPoint(in box: Box3D, margin: Double, groundClearance: Double, _ body: (Int) -> Void) {
        let reach = (box.l * box.l + box.w * box.w).squareRoot() / 2 + margin
        guard columns > 0, reach.isFinite, box.x.isFinite, box.y.isFinite else { return }
        let (c, s) = (cos(box.yaw), sin(box.yaw))
        let floor = box.z - box.h / 2 + groundClearance, roof = box.z + box.h / 2 + margin
        func index(_ value: Double, _ origin: Double, _ count: Int) -> Int {
            Int(max(0, min(Double(count - 1), ((value - origin) / Self.bucketMeters).rounded(.down))))
        }
        for row in index(box.y - reach, originY, rows)...index(box.y + reach, originY, rows) {
            for column in index(box.x - reach, originX, columns)...index(box.x + reach, originX, columns) {
                let b = row * columns + column
                for i in start[b]..<start[b + 1] {
                    guard z[i] >= floor, z[i] <= roof else { continue }
                    let dx = x[i] - box.x, dy = y[i] - box.y
                    guard abs(c * dx + s * dy) <= box.l / 2 + margin, abs(-s * dx + c * dy) <= box.w / 2 + margin else { continue }
                    body(i)
                }
            }
        }
    }
}
