import Fusion
import Testing
import V2XCore

@Suite struct TrackedVelocityTests {
    static func car(_ x: Double, _ y: Double, label: ObjectClass = .car) -> Box3D {
        Box3D(x: x, y: y, z: 0, l: 4, w: 2, h: 1.5, yaw: 0, score: 0.9, label: label)
    }

    /// Snapshots of the boxes at `positions(k)` for k = 1…n frames (0.1 s each) before t = 10 s, newest first.
    static func history(_ n: Int, pose: Pose = .identity, _ boxes: (Int) -> [Box3D]) -> [BoxSnapshot] {
        (1...n).map { k in
            BoxSnapshot(captureTime: Timestamp(seconds: 10 - 0.1 * Double(k)), pose: pose,
                        boxes: boxes(k).map { $0.transformed(by: pose.inverse) })
        }
    }

    @Test func aLongerTrackAveragesOutTheCentreNoise() throws {
        // 10 m/s along x; detected centres alternate 0.2 m ahead and behind.
        func seen(_ k: Int) -> Box3D { Self.car(-1.0 * Double(k) + (k % 2 == 0 ? 0.2 : -0.2), 3) }
        let now = Timestamp(seconds: 10)
        let history = Self.history(5, pose: Pose(x: 4, y: -7, z: 0, yaw: 0.7)) { [seen($0)] }
        let long = try #require(TrackedVelocity().velocity(of: seen(0), now: now, history: history))
        let short = try #require(TrackedVelocity(maxSteps: 1).velocity(of: seen(0), now: now, history: history))
        #expect(abs(long.spanSeconds - 0.5) < 1e-9 && abs(short.spanSeconds - 0.1) < 1e-9)
        #expect(abs(short.velocity.x - 14) < 1e-6, "two frames: 0.4 m of noise over 0.1 s")
        #expect(abs(long.velocity.x - 10) < 1, "five frames: \(long.velocity.x)")
        #expect(abs(long.velocity.y) < 1e-6)
        // Six centres 0.1 s apart: √Σ(t − t̄)² = √0.175 s; two: √0.005 s.
        #expect(abs(long.timeSpread - 0.175.squareRoot()) < 1e-9 && abs(short.timeSpread - 0.005.squareRoot()) < 1e-9)
        #expect(abs(long.velocitySigma(centreSigmaMeters: 0.2) - 0.2 / 0.175.squareRoot()) < 1e-9)
    }

    @Test func laterStepsFollowThePredictionNotTheNearestBox() throws {
        // A car at 12 m/s passes one parked beside its lane: two frames back the parked car is
        // nearer the moving car's last place (1.0 m) than the moving car is (1.2 m), but the
        // prediction keeps to the car being followed.
        let history = Self.history(4) { k in [Self.car(-1.2 * Double(k), 0), Self.car(-1.2, 1.0)] }
        let v = try #require(TrackedVelocity().velocity(of: Self.car(0, 0), now: Timestamp(seconds: 10), history: history))
        #expect(abs(v.velocity.x - 12) < 1e-6 && abs(v.spanSeconds - 0.4) < 1e-9)
    }

    @Test func aTrackNeedsAMatchOfTheSameClassInTheNewestSnapshot() {
        let now = Timestamp(seconds: 10)
        let tracker = TrackedVelocity()
        // Beyond 40 m/s × 0.1 s.
        #expect(tracker.velocity(of: Self.car(0, 0), now: now, history: Self.history(3) { _ in [Self.car(-5, 0)] }) == nil)
        #expect(tracker.velocity(of: Self.car(0, 0), now: now, history: Self.history(3) { _ in [Self.car(-1, 0, label: .truck)] }) == nil)
        #expect(tracker.velocity(of: Self.car(0, 0), now: now, history: []) == nil)
        // A gap ends the track: only the first step counts.
        let gap = Self.history(3) { k in k == 2 ? [] : [Self.car(-1.0 * Double(k), 0)] }
        #expect(abs((tracker.velocity(of: Self.car(0, 0), now: now, history: gap)?.spanSeconds ?? 0) - 0.1) < 1e-9)
    }
}
