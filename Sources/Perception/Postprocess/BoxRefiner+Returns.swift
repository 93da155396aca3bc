import V2XCore

extension BoxRefiner {
    /// For each of `boxes`, in order, the returns of `points` (same frame) a refit of it would
    /// gather: inside the box grown by `marginMeters` in BEV, from `groundClearanceMeters` above
    /// its floor to `marginMeters` above its roof. A box with more than `limit` keeps every k-th
    /// of them (k the smallest stride that fits), so they still span the object; boxes that are
    /// not vehicles get none.
    ///
    /// A sender puts these in its messages so that a receiver can refit the box to every
    /// agent's view of the object (`BoxReturns`).
    public func returns(of boxes: [Box3D], points: PointCloud, limit: Int) -> [[SIMD3<Double>]] {
        let vehicles = boxes.filter { $0.label.category == .vehicle && $0.z.isFinite && $0.h.isFinite }
        guard limit > 0, let low = vehicles.map({ $0.z - $0.h / 2 + groundClearanceMeters }).min(),
              let high = vehicles.map({ $0.z + $0.h / 2 + marginMeters }).max(), low <= high else {
            return boxes.map { _ in [] }
        }
        let index = PointBuckets(points, zRange: low...high)
        return boxes.map { box in
            guard box.label.category == .vehicle else { return [] }
            let inside = index.points3D(in: box, margin: marginMeters, groundClearance: groundClearanceMeters)
            let stride = (inside.count + limit - 1) / limit
            return stride > 1 ? Swift.stride(from: 0, to: inside.count, by: stride).map { inside[$0] } : inside
        }
    }
}
