import V2XCore

/// A box's planar world velocity from its sender's earlier snapshots, followed back over
/// several frames.
///
/// Two sweeps 0.1 s apart turn a 0.2 m error in a detected centre into 2.8 m/s of velocity
/// noise (TCLF's two-frame estimate, `BoxSnapshot.velocity`). Here the box is followed back
/// through `history`, newest first: the first step takes the nearest same-class box within
/// the distance a `maxSpeed` object covers; every later step the nearest within `followGate`
/// of where the velocity fitted so far puts the car. The velocity is the least-squares slope
/// of the followed centres over their capture times; the track ends at the first snapshot
/// with no match.
public struct TrackedVelocity: Sendable, Equatable {
    /// A fitted velocity and how well the track's times pin it down.
    public struct Fit: Sendable, Equatable {
        /// Metres per second, world frame.
        public var velocity: SIMD2<Double>
        /// From the oldest followed centre to the box, seconds.
        public var spanSeconds: Double
        /// `√Σ(t − t̄)²` over the followed centres' times, seconds: a centre error of σ metres
        /// (each centre independently, per axis) makes the fitted velocity err by
        /// σ / `timeSpread` m/s per axis.
        public var timeSpread: Double

        /// The velocity's standard error per axis, m/s, for centres off by `sigmaMeters` each.
        public func velocitySigma(centreSigmaMeters sigmaMeters: Double) -> Double {
            sigmaMeters / timeSpread
        }
    }

    /// The fastest plausible object, m/s: the first step's gate.
    public var maxSpeedMetersPerSecond: Double
    /// How far from the predicted centre a later step may find its box, metres.
    public var followGateMeters: Double
    /// Snapshots followed at most.
    public var maxSteps: Int

    public init(maxSpeedMetersPerSecond: Double = 40, followGateMeters: Double = 1.5, maxSteps: Int = 5) {
        self.maxSpeedMetersPerSecond = maxSpeedMetersPerSecond
        self.followGateMeters = followGateMeters
        self.maxSteps = maxSteps
    }

    /// The velocity of `box` (world frame, seen at `now`) fitted over its track; `nil` when not
    /// even the newest snapshot matches it.
    public func velocity(of box: Box3D, now: Timestamp, history: [BoxSnapshot]) -> Fit? {
        var track: [(t: Double, p: SIMD2<Double>)] = [(0, SIMD2(box.x, box.y))]
        var fit: Fit?
        for snapshot in history.prefix(maxSteps) {
            let t = -now.seconds(since: snapshot.captureTime)
            let last = track[track.count - 1]
            guard t < last.t else { continue }
            let predicted = fit.map { last.p + $0.velocity * (t - last.t) } ?? last.p
            let gate = fit == nil ? maxSpeedMetersPerSecond * (last.t - t) : followGateMeters
            var best: (distance: Double, p: SIMD2<Double>)?
            for candidate in snapshot.boxes where candidate.label == box.label {
                let world = candidate.transformed(by: snapshot.pose)
                let p = SIMD2(world.x, world.y)
                let d = ((p - predicted) * (p - predicted)).sum().squareRoot()
                if d <= gate, d < (best?.distance ?? .infinity) { best = (d, p) }
            }
            guard let match = best else { break }
            track.append((t, match.p))
            fit = Self.fitted(track)
        }
        return fit
    }

    /// The least-squares fit of positions over times (at least two distinct times).
    static func fitted(_ track: [(t: Double, p: SIMD2<Double>)]) -> Fit {
        let n = Double(track.count)
        let meanT = track.map(\.t).reduce(0, +) / n
        let meanP = track.map(\.p).reduce(SIMD2<Double>.zero, +) / n
        var num = SIMD2<Double>.zero, den = 0.0
        for (t, p) in track {
            num += (t - meanT) * (p - meanP)
            den += (t - meanT) * (t - meanT)
        }
        return Fit(velocity: den > 0 ? num / den : .zero, spanSeconds: -(track.map(\.t).min() ?? 0),
                   timeSpread: den.squareRoot())
    }
}
