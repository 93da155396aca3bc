import Foundation

/// How far a reported pose may be off, reduced to what matters in bird's-eye view:
/// the standard deviation of the planar position and of the heading.
public struct PoseUncertainty: Sendable, Equatable, Codable {
    /// σ of x and y (the larger of the two), metres.
    public var positionSigmaMeters: Double
    /// σ of yaw, radians.
    public var yawSigmaRadians: Double

    /// A pose known exactly.
    public static let exact = PoseUncertainty(positionSigmaMeters: 0, yawSigmaRadians: 0)

    public init(positionSigmaMeters: Double, yawSigmaRadians: Double) {
        self.positionSigmaMeters = max(0, positionSigmaMeters.isFinite ? positionSigmaMeters : 0)
        self.yawSigmaRadians = max(0, yawSigmaRadians.isFinite ? yawSigmaRadians : 0)
    }

    /// Reads the 21-value upper triangle of a 6×6 covariance over (x, y, z, roll, pitch, yaw),
    /// row-major, as carried by `BEVMessage.poseCovarianceUpper`. An empty or malformed
    /// triangle means "unknown" and gives `nil`; negative or non-finite variances count as 0.
    public init?(covarianceUpper values: [Float]) {
        guard values.count == 21 else { return nil }
        // Diagonal of a row-major upper triangle of n = 6: index(i, i) = i·n − i(i−1)/2.
        func variance(_ i: Int) -> Double {
            let v = Double(values[i * 6 - i * (i - 1) / 2])
            return v.isFinite ? max(0, v) : 0
        }
        self.init(positionSigmaMeters: sqrt(max(variance(0), variance(1))), yawSigmaRadians: sqrt(variance(5)))
    }

    /// The upper triangle of a diagonal covariance with this σ on x, y and yaw (z, roll,
    /// pitch get 0): what a sender puts in its message.
    public var covarianceUpper: [Float] {
        var out = [Float](repeating: 0, count: 21)
        let p = Float(positionSigmaMeters * positionSigmaMeters)
        out[0] = p                                   // (0,0)
        out[6] = p                                   // (1,1)
        out[20] = Float(yawSigmaRadians * yawSigmaRadians) // (5,5)
        return out
    }
}
