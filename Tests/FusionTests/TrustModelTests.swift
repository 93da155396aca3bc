import Foundation
import Fusion
import Testing
import V2XCore

@Suite struct TrustModelTests {
    let trust = TrustModel()

    @Test func aFreshExactNearbyMessageIsFullyTrusted() {
        #expect(abs(trust.weight(ageSeconds: 0, pose: .exact, distanceMeters: 10) - 1) < 1e-12)
    }

    @Test func trustFallsWithAgeAsTheFormulaSays() {
        let ages = [0.0, 0.1, 0.2, 0.3, 0.5]
        let weights = ages.map { trust.weight(ageSeconds: $0, pose: .exact, distanceMeters: 0) }
        #expect(zip(weights, weights.dropFirst()).allSatisfy { $0 > $1 })
        // 300 ms at 8 m/s = 2.4 m of misplacement against r = 1.6 m.
        #expect(abs(weights[3] - exp(-2.4 * 2.4 / (2 * 1.6 * 1.6))) < 1e-12)
        #expect(weights[4] < 0.05)
        // A message from the future (clock skew) counts as fresh, not as more than fresh.
        #expect(trust.weight(ageSeconds: -0.2, pose: .exact, distanceMeters: 0) == 1)
    }

    @Test func headingErrorCostsMoreFarFromTheSender() {
        let pose = PoseUncertainty(positionSigmaMeters: 0.2, yawSigmaRadians: 0.01)
        let near = trust.weight(ageSeconds: 0, pose: pose, distanceMeters: 5)
        let far = trust.weight(ageSeconds: 0, pose: pose, distanceMeters: 35)
        #expect(near > far)
        #expect(abs(far - exp(-(0.04 + 0.35 * 0.35) / (2 * 1.6 * 1.6))) < 1e-12)
    }

    @Test func rangeBeyondTheOnsetIsDiscounted() {
        let at40 = trust.weight(ageSeconds: 0, pose: .exact, distanceMeters: 40)
        let at80 = trust.weight(ageSeconds: 0, pose: .exact, distanceMeters: 80)
        #expect(at40 == 1)
        #expect(abs(at80 - exp(-1)) < 1e-12)
    }

    @Test func cellWeightsFollowCoverageAndConfidence() {
        let warped = WarpedFeatures(
            map: FeatureMap(height: 1, width: 3, channels: 1),
            coverage: [0, 1, 0.5], senderDistance: [1, 1, 1])
        let w = trust.weights(warped, ageSeconds: 0, pose: .exact, confidence: [0.9, 0, 0.5])
        #expect(w[0] == 0)                       // not covered
        #expect(abs(w[1] - 0.5) < 1e-6)          // confidence 0 → the floor
        #expect(abs(w[2] - 1) < 1e-6)            // 0.5 over half coverage = confidence 1
    }

    @Test func poseUncertaintyRoundTripsThroughTheCovarianceTriangle() {
        let pose = PoseUncertainty(positionSigmaMeters: 0.4, yawSigmaRadians: 0.02)
        let back = PoseUncertainty(covarianceUpper: pose.covarianceUpper)
        #expect(back != nil)
        #expect(abs(back!.positionSigmaMeters - 0.4) < 1e-6 && abs(back!.yawSigmaRadians - 0.02) < 1e-6)
        #expect(PoseUncertainty(covarianceUpper: []) == nil)
        #expect(PoseUncertainty(covarianceUpper: [Float](repeating: .nan, count: 21)) == .exact)
    }
}
