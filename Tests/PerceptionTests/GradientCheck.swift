import Perception
import V2XCore
import V2XTestSupport

/// Central finite differences against an analytic gradient, on a sample of coordinates.
enum GradientCheck {
    /// Largest relative error `|analytic − numeric| / max(1, |analytic|, |numeric|)` over `indices`.
    static func maxError(
        values: [Float], analytic: [Float], indices: [Int], epsilon: Float = 1e-2,
        loss: ([Float]) throws -> Double
    ) rethrows -> Double {
        var worst = 0.0
        for i in indices {
            var plus = values, minus = values
            plus[i] += epsilon; minus[i] -= epsilon
            let numeric = (try loss(plus) - loss(minus)) / Double(2 * epsilon)
            let a = Double(analytic[i])
            worst = max(worst, abs(a - numeric) / max(1, abs(a), abs(numeric)))
        }
        return worst
    }

    /// `n` distinct-ish indices below `count`, reproducible.
    static func indices(_ count: Int, _ n: Int, seed: UInt64) -> [Int] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in Int.random(in: 0..<count, using: &rng) }
    }

    /// Random values in [-1, 1].
    static func random(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
    }

    /// `Σ y·r` in double: a scalar loss whose gradient with respect to `y` is `r`.
    static func project(_ y: [Float], _ r: [Float]) -> Double {
        zip(y, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
}
