import Foundation
import V2XCore

/// The returns that can fall in a box (finite, between the lowest box floor and the
/// highest roof) bucketed on a coarse BEV grid, so each box visits only the buckets it overlaps.
/// Building it is one counting sort, linear in the cloud.
struct PointBuckets {
    static let bucketMeters = 2.0
    /// The kept points in bucket order.
    var points: [SIMD3<Double>] = []
    /// Points of bucket `b` are `start[b]..<start[b + 1]`.
    var start: [Int] = [0]
    var originX = 0.0, originY = 0.0
    var columns = 0, rows = 0

    init(_ cloud: PointCloud, zRange: ClosedRange<Double>) {
        self.init([cloud], zRange: zRange)
    }

    /// The union of `clouds` (in one frame), bucketed without joining them first.
    init(_ clouds: [PointCloud], zRange: ClosedRange<Double>) {
        // Pass 1: the points in the z range, and their BEV extent.
        var kept: [SIMD3<Double>] = []
        kept.reserveCapacity(clouds.reduce(0) { $0 + $1.count })
        var lowX = Double.infinity, lowY = Double.infinity, highX = -Double.infinity, highY = -Double.infinity
        for cloud in clouds {
            let xs = cloud.x, ys = cloud.y, zs = cloud.z
            for i in xs.indices {
                let p = SIMD3(Double(xs[i]), Double(ys[i]), Double(zs[i]))
                guard p.x.isFinite, p.y.isFinite, zRange.contains(p.z) else { continue }
                kept.append(p)
                lowX = min(lowX, p.x); lowY = min(lowY, p.y); highX = max(highX, p.x); highY = max(highY, p.y)
            }
        }
        guard !kept.isEmpty else { return }
        originX = lowX; originY = lowY
        columns = Int((highX - originX) / Self.bucketMeters) + 1
        rows = Int((highY - originY) / Self.bucketMeters) + 1
        // Pass 2: a counting sort of the kept points by bucket.
        let bucketOf = kept.map { Int32(bucket($0.x, $0.y)) }
        var counts = [Int](repeating: 0, count: columns * rows + 1)
        for b in bucketOf { counts[Int(b) + 1] += 1 }
        for b in 0..<(columns * rows) { counts[b + 1] += counts[b] }
        start = counts
        var next = counts
        var sorted = [SIMD3<Double>](repeating: .zero, count: kept.count)
        for (p, b) in zip(kept, bucketOf) {
            sorted[next[Int(b)]] = p
            next[Int(b)] += 1
        }
        points = sorted
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
        forEachPoint(in: box, margin: margin, groundClearance: groundClearance) { out.append(SIMD2($0.x, $0.y)) }
        return out
    }

    /// `points(in:margin:groundClearance:)` with their heights.
    func points3D(in box: Box3D, margin: Double, groundClearance: Double) -> [SIMD3<Double>] {
        var out: [SIMD3<Double>] = []
        forEachPoint(in: box, margin: margin, groundClearance: groundClearance) { out.append($0) }
        return out
    }

    /// Calls `body` with each point inside `box` (as `points(in:)` defines it).
    private func forEachPoint(in box: Box3D, margin: Double, groundClearance: Double, _ body: (SIMD3<Double>) -> Void) {
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
                    let p = points[i]
                    guard p.z >= floor, p.z <= roof else { continue }
                    let dx = p.x - box.x, dy = p.y - box.y
                    guard abs(c * dx + s * dy) <= box.l / 2 + margin, abs(-s * dx + c * dy) <= box.w / 2 + margin else { continue }
                    body(p)
                }
            }
        }
    }
}
