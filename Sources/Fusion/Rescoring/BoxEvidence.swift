import Foundation
import Perception
import V2XCore

/// What the ego knows about one of its final boxes (in intermediate fusion with adopted
/// collaborator boxes), beyond the score the stack gave it: which single maps also found the
/// object, how many returns of its own and of its collaborators lie on it, and how many of its
/// own rays went through it. `BoxRescorer` turns it into the box's score.
public struct BoxEvidence: Sendable, Equatable {
    /// The score before rescoring: the fused head's, or for an added box its sender's times
    /// the missed-box factor.
    public var score: Double
    /// Whether the box is a collaborator's, added because the fused head missed the object.
    public var added: Bool
    /// The best score of the collaborators' boxes within the gate (0 without one).
    public var collaboratorSupport: Double
    /// How many collaborator boxes lie within the gate.
    public var collaboratorWitnesses: Int
    /// The best score of the ego's own single-map boxes within the gate (0 without one).
    public var ownSupport: Double
    /// The ego's returns on the object (`RayEvidence`).
    public var ownReturns: Int
    /// The returns collaborators sent inside their boxes that lie on the object.
    public var receivedReturns: Int
    /// The ego's rays that went through the box and ended beyond it.
    public var raysThrough: Int
    /// The box centre's distance from the ego's sensor in the plane (m).
    public var rangeMeters: Double

    public init(score: Double, added: Bool, collaboratorSupport: Double, collaboratorWitnesses: Int, ownSupport: Double,
                ownReturns: Int, receivedReturns: Int, raysThrough: Int, rangeMeters: Double) {
        self.score = score; self.added = added
        self.collaboratorSupport = collaboratorSupport; self.collaboratorWitnesses = collaboratorWitnesses
        self.ownSupport = ownSupport; self.ownReturns = ownReturns; self.receivedReturns = receivedReturns
        self.raysThrough = raysThrough; self.rangeMeters = rangeMeters
    }

    /// The names of `features`, in order (`BoxRescorer` files list them to be checked).
    public static let featureNames = [
        "bias", "score_logit", "added", "collaborator_support", "collaborator_witnesses", "own_support",
        "log_own_returns", "log_received_returns", "added_x_log_own_returns", "range_50m", "log_rays_through", "through_fraction",
    ]

    /// The logistic model's inputs: a constant, the score's logit (clamped to ±9.2), the
    /// flags and supports, witnesses capped at 3, log(1 + n) of each count, the added flag
    /// times log(1 + own returns) (an added box the ego sees returns on yet did not detect),
    /// range over 50 m, and the fraction of the ego's rays that went through rather than
    /// ended on the object.
    public var features: [Double] {
        let p = min(max(score, 1e-4), 1 - 1e-4)
        let logOwn = log1p(Double(ownReturns))
        return [
            1, log(p / (1 - p)), added ? 1 : 0, collaboratorSupport, Double(min(collaboratorWitnesses, 3)), ownSupport,
            logOwn, log1p(Double(receivedReturns)), added ? logOwn : 0, rangeMeters / 50,
            log1p(Double(raysThrough)), Double(raysThrough) / Double(raysThrough + ownReturns + 1),
        ]
    }

    /// The evidence of each of `boxes` (in the ego's frame): `added[i]` says whether box `i`
    /// was added from a collaborator; `sent` are the collaborators' vehicle boxes and `own`
    /// the ego's single-map boxes (both in its frame), witnesses within `gateMeters` in the
    /// plane; `egoPoints` the ego's cloud (sensor at the origin) and `received` the returns
    /// collaborators sent, in its frame.
    static func gather(_ boxes: [Box3D], added: [Bool], sent: [Box3D], own: [Box3D], egoPoints: PointCloud?,
                       received: PointCloud, gateMeters: Double) -> [BoxEvidence] {
        let rays = egoPoints.map(RayEvidence.init)
        let ownVehicles = own.filter { $0.label.category == .vehicle }
        func witnesses(of box: Box3D, in candidates: [Box3D]) -> [Double] {
            candidates.filter { hypot($0.x - box.x, $0.y - box.y) <= gateMeters }.map { $0.score ?? 0 }
        }
        return zip(boxes, added).map { box, added in
            let counts = rays?.counts(for: box) ?? RayEvidence.Counts()
            let seenBy = witnesses(of: box, in: sent)
            return BoxEvidence(
                score: box.score ?? 0, added: added, collaboratorSupport: seenBy.max() ?? 0, collaboratorWitnesses: seenBy.count,
                ownSupport: witnesses(of: box, in: ownVehicles).max() ?? 0, ownReturns: counts.onObject,
                receivedReturns: onObject(box, received), raysThrough: counts.through, rangeMeters: hypot(box.x, box.y))
        }
    }

    /// How many of `points` lie inside `box` above its lowest `RayEvidence.groundClearanceMeters`.
    static func onObject(_ box: Box3D, _ points: PointCloud) -> Int {
        let c = cos(box.yaw), s = sin(box.yaw)
        let bottom = box.z - box.h / 2 + RayEvidence.groundClearanceMeters, top = box.z + box.h / 2
        var n = 0
        for i in 0..<points.count {
            let dx = Double(points.x[i]) - box.x, dy = Double(points.y[i]) - box.y, z = Double(points.z[i])
            if abs(c * dx + s * dy) <= box.l / 2, abs(-s * dx + c * dy) <= box.w / 2, z >= bottom, z <= top { n += 1 }
        }
        return n
    }
}
