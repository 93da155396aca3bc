import Foundation

/// Linear warm-up to `peak`, then cosine decay to `peak · finalFraction` at `totalSteps`.
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var finalFraction: Double

    public init(peak: Double, warmupSteps: Int, totalSteps: Int, finalFraction: Double = 0.02) {
        self.peak = peak; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps; self.finalFraction = finalFraction
    }

    /// The rate for 0-based step `step` (constant at the floor past `totalSteps`).
    public func rate(at step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let span = max(1, totalSteps - warmupSteps)
        let t = min(1, Double(step - warmupSteps) / Double(span))
        let floor = peak * finalFraction
        return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * t))
    }
}
