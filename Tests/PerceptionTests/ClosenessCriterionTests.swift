import Foundation
@testable import Perception
import Testing
import V2XTestSupport

@Suite struct ClosenessCriterionTests {
    /// The criterion point by point, as Zhang et al. define it: turn the points, find their
    /// bounding rectangle, pick per axis the edge with the smaller sum of squared distances,
    /// and sum the inverse floored distances to the nearer picked edge.
    static func reference(_ points: [SIMD2<Double>], yaw: Double, floor: Double) -> Double {
        guard !points.isEmpty else { return 0 }
        let turned = points.map { SIMD2(cos(yaw) * $0.x + sin(yaw) * $0.y, -sin(yaw) * $0.x + cos(yaw) * $0.y) }
        let low = SIMD2(turned.map { $0.x }.min()!, turned.map { $0.y }.min()!)
        let high = SIMD2(turned.map { $0.x }.max()!, turned.map { $0.y }.max()!)
        let toLow = turned.reduce(SIMD2<Double>()) { $0 + ($1 - low) * ($1 - low) }
        let toHigh = turned.reduce(SIMD2<Double>()) { $0 + (high - $1) * (high - $1) }
        return turned.reduce(0.0) { score, q in
            let along = toLow.x <= toHigh.x ? q.x - low.x : high.x - q.x
            let across = toLow.y <= toHigh.y ? q.y - low.y : high.y - q.y
            return score + 1 / max(min(along, across), floor)
        }
    }

    @Test func agreesWithThePointByPointDefinition() {
        var rng = SeededGenerator(seed: 5)
        // Sizes around the four-wide chunks, and a full heading-search sample. Not two points:
        // their mean is the midpoint on both axes, a tie either edge answers (the refiner needs 10).
        for count in [0, 1, 3, 4, 5, 7, 8, 13, 300] {
            let center = SIMD2(Double.random(in: -40...40, using: &rng), Double.random(in: -40...40, using: &rng))
            let points = (0..<count).map { _ in
                center + SIMD2(Double.random(in: -2.5...2.5, using: &rng), Double.random(in: -1...1, using: &rng))
            }
            let criterion = ClosenessCriterion(points, floorMeters: 0.01)
            for _ in 0..<20 {
                let yaw = Double.random(in: -.pi ... .pi, using: &rng)
                let expected = Self.reference(points, yaw: yaw, floor: 0.01)
                let scored = criterion.score(yaw: yaw)
                #expect(abs(scored - expected) <= 1e-9 * max(1, abs(expected)), "\(count) points at yaw \(yaw): \(scored) vs \(expected)")
            }
        }
    }

    @Test func anLShapeScoresHighestAtItsOwnHeading() {
        // Two faces of a 4.5 × 1.8 m car at yaw 0.4, returns 5 cm apart.
        let yaw = 0.4, (c, s) = (cos(yaw), sin(yaw))
        let local = stride(from: 0.0, through: 4.5, by: 0.05).map { SIMD2($0, 0) } + stride(from: 0.05, through: 1.8, by: 0.05).map { SIMD2(0, $0) }
        let points = local.map { SIMD2(10 + c * $0.x - s * $0.y, 4 + s * $0.x + c * $0.y) }
        let criterion = ClosenessCriterion(points, floorMeters: 0.01)
        let best = stride(from: yaw - 0.3, through: yaw + 0.3, by: 0.01).max { criterion.score(yaw: $0) < criterion.score(yaw: $1) }!
        #expect(abs(best - yaw) < 0.005)
    }
}
