import V2XCore

extension BoxSnapshot {
    /// The planar world velocity (m/s) of `box` (world frame, seen at `now`) from its nearest
    /// same-class box in this earlier snapshot, within the distance an object at
    /// `maxSpeedMetersPerSecond` covers between the two; `nil` without such a match.
    public func velocity(of box: Box3D, now: Timestamp, maxSpeedMetersPerSecond: Double) -> SIMD2<Double>? {
        let dt = now.seconds(since: captureTime)
        guard dt > 0 else { return nil }
        let gate = maxSpeedMetersPerSecond * dt
        var best: (distance: Double, box: Box3D)?
        for candidate in boxes where candidate.label == box.label {
            let world = candidate.transformed(by: pose)
            let d = ((world.x - box.x) * (world.x - box.x) + (world.y - box.y) * (world.y - box.y)).squareRoot()
            if d <= gate, d < (best?.distance ?? .infinity) { best = (d, world) }
        }
        guard let match = best?.box else { return nil }
        return SIMD2((box.x - match.x) / dt, (box.y - match.y) / dt)
    }
}
