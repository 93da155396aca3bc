import Foundation

/// The L-shape closeness criterion of a set of BEV points (Zhang et al., IV 2017), scored at
/// any heading: each point's distance to the nearer of the two edges the points hug (per axis,
/// the edge of their bounding rectangle with the smaller sum of squared distances), floored
/// at `floorMeters`, summed as `Σᵢ 1 / max(dᵢ, d₀)`.
///
/// The heading search scores about 60 headings a box, so the points are kept as separate x
/// and y arrays and visited four at a time. Per axis, Σ(q − low)² − Σ(high − q)² =
/// (high − low)(2Σq − n(low + high)): the points hug the low edge exactly when their mean is at
/// most the rectangle's midpoint, and the mean of the turned points is the turned mean, so one
/// pass finds the rectangle and a second sums the score. The tests hold it to the criterion
/// computed point by point.
struct ClosenessCriterion {
    private let x: [Double], y: [Double]
    private let mean: SIMD2<Double>
    let floorMeters: Double

    init(_ points: [SIMD2<Double>], floorMeters: Double) {
        // Closures, not key paths: a key-path map cost more than the whole search.
        x = points.map { $0.x }; y = points.map { $0.y }
        mean = points.isEmpty ? .zero : points.reduce(SIMD2<Double>(), +) / Double(points.count)
        self.floorMeters = floorMeters
    }

    /// The criterion with the rectangle's axes turned to `yaw` (0 for no points).
    func score(yaw: Double) -> Double {
        guard !x.isEmpty else { return 0 }
        let c = cos(yaw), s = sin(yaw)
        let mean = self.mean, floor = floorMeters
        return x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                let (low, high) = Self.rectangle(x, y, c, s)
                // Per axis, the edge the points hug: the distance to it is sign · (q − edge).
                let alongMean = c * mean.x + s * mean.y, acrossMean = -s * mean.x + c * mean.y
                let hugsHighAlong = alongMean > (low.x + high.x) / 2, hugsHighAcross = acrossMean > (low.y + high.y) / 2
                let edge = SIMD2(hugsHighAlong ? high.x : low.x, hugsHighAcross ? high.y : low.y)
                let sign = SIMD2(hugsHighAlong ? -1.0 : 1, hugsHighAcross ? -1.0 : 1)
                return Self.sum(x, y, c, s, edge: edge, sign: sign, floor: floor)
            }
        }
    }

    /// The lowest and highest coordinates of the points turned by (cos, sin) = (`c`, `s`).
    private static func rectangle(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>,
                                  _ c: Double, _ s: Double) -> (low: SIMD2<Double>, high: SIMD2<Double>) {
        var lowAlong = SIMD4<Double>(repeating: .infinity), lowAcross = lowAlong, highAlong = -lowAlong, highAcross = -lowAlong
        var i = 0
        while i + 4 <= x.count {
            let px = SIMD4(x[i], x[i + 1], x[i + 2], x[i + 3]), py = SIMD4(y[i], y[i + 1], y[i + 2], y[i + 3])
            let along = c * px + s * py, across = -s * px + c * py
            lowAlong.replace(with: along, where: along .< lowAlong); highAlong.replace(with: along, where: along .> highAlong)
            lowAcross.replace(with: across, where: across .< lowAcross); highAcross.replace(with: across, where: across .> highAcross)
            i += 4
        }
        var low = SIMD2(lowAlong.min(), lowAcross.min()), high = SIMD2(highAlong.max(), highAcross.max())
        while i < x.count {
            let along = c * x[i] + s * y[i], across = -s * x[i] + c * y[i]
            low = SIMD2(min(low.x, along), min(low.y, across)); high = SIMD2(max(high.x, along), max(high.y, across))
            i += 1
        }
        return (low, high)
    }

    /// `Σᵢ 1 / max(min(dᵢ along, dᵢ across), floor)` with d = sign · (turned point − edge).
    private static func sum(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>, _ c: Double, _ s: Double,
                            edge: SIMD2<Double>, sign: SIMD2<Double>, floor: Double) -> Double {
        let floor4 = SIMD4(repeating: floor)
        var sums = SIMD4<Double>()
        var i = 0
        while i + 4 <= x.count {
            let px = SIMD4(x[i], x[i + 1], x[i + 2], x[i + 3]), py = SIMD4(y[i], y[i + 1], y[i + 2], y[i + 3])
            var d = (c * px + s * py - edge.x) * sign.x
            let toSide = (-s * px + c * py - edge.y) * sign.y
            d.replace(with: toSide, where: toSide .< d)
            d.replace(with: floor4, where: d .< floor4)
            sums += 1 / d
            i += 4
        }
        var score = sums.sum()
        while i < x.count {
            let along = (c * x[i] + s * y[i] - edge.x) * sign.x, across = (-s * x[i] + c * y[i] - edge.y) * sign.y
            score += 1 / max(min(along, across), floor)
            i += 1
        }
        return score
    }
}
