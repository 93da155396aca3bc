import Foundation
import V2XCore

/// Refines detected vehicle boxes against the sensor's own returns: L-shape fitting
/// (Zhang et al., "Efficient L-Shape Fitting for Vehicle Detection Using Laser Scanners",
/// IV 2017) searched near the detector's heading, then the smallest shift and growth of the
/// box that contains the returns.
///
/// For each vehicle box with at least `minimumPoints` returns inside it (grown by
/// `marginMeters` in BEV, above the box floor by `groundClearanceMeters`), the returns are
/// clustered (touching BEV cells of `clusterLinkMeters`, growing by `clusterLinkPerMeter`
/// with the box's range) and the clusters that reach inside the box itself are the object —
/// a neighbour or a wall caught only by the margin is not. Then:
/// 1. Heading: every θ within ±`searchRadians` of the box's yaw (coarse steps of
///    `coarseStepRadians`, then fine steps of `fineStepRadians` around the best) scores the
///    closeness criterion `Σᵢ 1 / max(dᵢ, d₀)`, where `dᵢ` is point `i`'s distance to the
///    nearer of the two rectangle edges (one per axis, the edge the points hug) of the
///    points' bounding rectangle in the frame rotated by θ. The best θ becomes the yaw.
///    The criterion has a period of 90°, so the search stays within ±45° of the detector's
///    heading and keeps its direction.
/// 2. Extent: in the new frame the box keeps its length and width unless the returns span
///    more; its centre moves along each axis only as far as needed to contain them.
///
/// The detector sees pillars at 0.4 m; the returns are centimetre-accurate, so a vehicle
/// with many returns gets the heading and sides of its visible faces. Boxes with fewer
/// returns, and pedestrians and cyclists, are returned unchanged.
public struct BoxRefiner: Sendable, Hashable, Codable {
    /// A cloud bucketed for refitting (`prepared(_:for:)`).
    public struct PreparedReturns: Sendable {
        let buckets: PointBuckets?
    }

    /// Fewest returns inside a box for it to be refitted.
    public let minimumPoints: Int
    /// Half-width of the heading search around the detector's yaw.
    public let searchRadians: Double
    public let coarseStepRadians: Double
    public let fineStepRadians: Double
    /// BEV growth of the box when gathering its returns.
    public let marginMeters: Double
    /// Returns this close to the box floor are ground and ignored.
    public let groundClearanceMeters: Double
    /// Cluster cell size: returns this close always belong to the same object.
    public let clusterLinkMeters: Double
    /// The link grows with range (returns spread apart with distance), by this much per metre.
    public let clusterLinkPerMeter: Double
    /// `d₀` of the closeness criterion: distances below it count as it.
    public let closenessFloorMeters: Double

    /// The defaults were chosen on the val split (ego-visible vehicles, LiDAR frame): AP@0.7
    /// 0.700 unrefined → 0.773.
    public init(
        minimumPoints: Int = 10, searchRadians: Double = 20 * .pi / 180,
        coarseStepRadians: Double = 1 * .pi / 180, fineStepRadians: Double = 0.1 * .pi / 180,
        marginMeters: Double = 0.4, groundClearanceMeters: Double = 0.4, clusterLinkMeters: Double = 0.2,
        clusterLinkPerMeter: Double = 0.02, closenessFloorMeters: Double = 0.01
    ) {
        self.minimumPoints = minimumPoints
        self.searchRadians = searchRadians
        self.coarseStepRadians = coarseStepRadians
        self.fineStepRadians = fineStepRadians
        self.marginMeters = marginMeters
        self.groundClearanceMeters = groundClearanceMeters
        self.clusterLinkMeters = clusterLinkMeters
        self.clusterLinkPerMeter = clusterLinkPerMeter
        self.closenessFloorMeters = closenessFloorMeters
    }

    /// - Throws: `V2XError.invalidArgument` for a search outside (0°, 45°), non-positive
    ///   steps, a negative margin or clearance, non-positive links or floor, or fewer than 3 points.
    public func validate() throws {
        guard minimumPoints >= 3 else { throw V2XError(.invalidArgument, "box refinement needs at least 3 points, not \(minimumPoints)") }
        guard searchRadians > 0, searchRadians < .pi / 4 else {
            throw V2XError(.invalidArgument, "the heading search must be within (0°, 45°), not \(searchRadians * 180 / .pi)°")
        }
        guard coarseStepRadians > 0, fineStepRadians > 0, fineStepRadians <= coarseStepRadians else {
            throw V2XError(.invalidArgument, "heading steps must be positive, the fine one no larger than the coarse one")
        }
        guard marginMeters >= 0, groundClearanceMeters >= 0, clusterLinkMeters > 0, clusterLinkPerMeter >= 0, closenessFloorMeters > 0 else {
            throw V2XError(.invalidArgument, "margin, ground clearance and link growth must be ≥ 0, the cluster link and closeness floor > 0")
        }
    }

    /// `boxes` refitted to `points`, both in the same frame (the sensor's), in the same order.
    /// Non-finite points are ignored.
    public func refine(_ boxes: [Box3D], points: PointCloud) -> [Box3D] {
        refits(boxes, points: points).map(\.box)
    }

    /// `refine`, saying which boxes had the returns to be refitted (the others are as given).
    public func refits(_ boxes: [Box3D], points: PointCloud) -> [(box: Box3D, refitted: Bool)] {
        refits(boxes, in: prepared(points, for: boxes))
    }

    /// `points` bucketed once for refitting any boxes whose heights lie within those of
    /// `boxes` (`refits(_:in:)`), when several batches of boxes are refitted to one cloud.
    public func prepared(_ points: PointCloud, for boxes: [Box3D]) -> PreparedReturns {
        prepared([points], for: boxes)
    }

    /// `prepared(_:for:)` for the union of several clouds in one frame, without joining them.
    public func prepared(_ clouds: [PointCloud], for boxes: [Box3D]) -> PreparedReturns {
        let vehicles = boxes.filter { $0.label.category == .vehicle && $0.z.isFinite && $0.h.isFinite }
        guard clouds.reduce(0, { $0 + $1.count }) >= minimumPoints, let low = vehicles.map({ $0.z - $0.h / 2 + groundClearanceMeters }).min(),
              let high = vehicles.map({ $0.z + $0.h / 2 + marginMeters }).max(), low <= high else { return PreparedReturns(buckets: nil) }
        return PreparedReturns(buckets: PointBuckets(clouds, zRange: low...high))
    }

    /// `refits(_:points:)` to a prepared cloud; boxes beyond the heights it was prepared for
    /// gather only the returns within them.
    public func refits(_ boxes: [Box3D], in prepared: PreparedReturns) -> [(box: Box3D, refitted: Bool)] {
        guard let index = prepared.buckets else { return boxes.map { ($0, false) } }
        return boxes.map { box in
            guard box.label.category == .vehicle else { return (box, false) }
            let inside = index.points(in: box, margin: marginMeters, groundClearance: groundClearanceMeters)
            guard inside.count >= max(minimumPoints, 1) else { return (box, false) }
            let link = max(clusterLinkMeters, clusterLinkPerMeter * (box.x * box.x + box.y * box.y).squareRoot())
            let object = Self.clustersReaching(box, inside, link: link)
            // At least one return, even for a refiner whose settings were never validated.
            guard object.count >= max(minimumPoints, 1) else { return (box, false) }
            return (fit(box, to: object), true)
        }
    }

    /// The returns of the groups of occupied BEV cells (`link` metres square, joined when they
    /// touch, corners included) that reach inside `box` itself: the object, without a
    /// neighbour's or a wall's returns that only the margin caught. Two returns closer than
    /// `link` always share a group; the cells keep the cost linear in the returns.
    static func clustersReaching(_ box: Box3D, _ points: [SIMD2<Double>], link: Double) -> [SIMD2<Double>] {
        guard !points.isEmpty else { return [] }
        var lowX = Double.infinity, lowY = Double.infinity, highX = -Double.infinity, highY = -Double.infinity
        for p in points { lowX = min(lowX, p.x); lowY = min(lowY, p.y); highX = max(highX, p.x); highY = max(highY, p.y) }
        let columns = Int((highX - lowX) / link) + 1, rows = Int((highY - lowY) / link) + 1
        let cellOfPoint = points.map { min(rows - 1, Int(($0.y - lowY) / link)) * columns + min(columns - 1, Int(($0.x - lowX) / link)) }
        // -1: empty cell; -2: occupied, not yet grouped; ≥ 0: its group.
        var group = [Int](repeating: -1, count: columns * rows)
        for cell in cellOfPoint { group[cell] = -2 }
        var groupCount = 0
        var stack: [Int] = []
        for seed in cellOfPoint where group[seed] == -2 {
            group[seed] = groupCount
            stack.append(seed)
            while let cell = stack.popLast() {
                let row = cell / columns, column = cell % columns
                for r in max(0, row - 1)...min(rows - 1, row + 1) {
                    for c in max(0, column - 1)...min(columns - 1, column + 1) where group[r * columns + c] == -2 {
                        group[r * columns + c] = groupCount
                        stack.append(r * columns + c)
                    }
                }
            }
            groupCount += 1
        }
        let (c, s) = (cos(box.yaw), sin(box.yaw))
        var reaching = [Bool](repeating: false, count: groupCount)
        for (p, cell) in zip(points, cellOfPoint) {
            let dx = p.x - box.x, dy = p.y - box.y
            if abs(c * dx + s * dy) <= box.l / 2, abs(-s * dx + c * dy) <= box.w / 2 { reaching[group[cell]] = true }
        }
        var out: [SIMD2<Double>] = []
        out.reserveCapacity(points.count)
        for (p, cell) in zip(points, cellOfPoint) where reaching[group[cell]] { out.append(p) }
        return out
    }

    /// Most returns the heading search scores per box.
    static let headingSearchPoints = 300

    /// One box refitted to the BEV positions of its returns.
    func fit(_ box: Box3D, to points: [SIMD2<Double>]) -> Box3D {
        // The heading search scores an evenly strided subset of a large cluster: the faces
        // stay as well sampled for the criterion, and a truck beside the sensor costs no more
        // than a car across the junction. The extent uses every return.
        let stride = (points.count + Self.headingSearchPoints - 1) / Self.headingSearchPoints
        let sample = stride > 1 ? Swift.stride(from: 0, to: points.count, by: stride).map { points[$0] } : points
        let criterion = ClosenessCriterion(sample, floorMeters: closenessFloorMeters)
        var best = (yaw: box.yaw, score: criterion.score(yaw: box.yaw))
        func search(around center: Double, radius: Double, step: Double) {
            let steps = Int((radius / step).rounded())
            for k in -steps...steps where k != 0 {
                let yaw = center + Double(k) * step
                let score = criterion.score(yaw: yaw)
                if score > best.score { best = (yaw, score) }
            }
        }
        search(around: box.yaw, radius: searchRadians, step: coarseStepRadians)
        search(around: best.yaw, radius: coarseStepRadians, step: fineStepRadians)
        return enclosing(box, points, yaw: best.yaw)
    }

    /// `box` turned to `yaw`, grown to the points' extent where they span more than it,
    /// and shifted along each axis just enough to contain them.
    func enclosing(_ box: Box3D, _ points: [SIMD2<Double>], yaw: Double) -> Box3D {
        let axis = SIMD2(cos(yaw), sin(yaw)), normal = SIMD2(-sin(yaw), cos(yaw))
        let center = SIMD2(box.x, box.y)
        func fitted(_ direction: SIMD2<Double>, size: Double) -> (center: Double, size: Double) {
            let coordinates = points.map { ($0 * direction).sum() }
            let low = coordinates.min()!, high = coordinates.max()!
            let span = max(size, high - low)
            let predicted = (center * direction).sum()
            return (min(max(predicted, high - span / 2), low + span / 2), span)
        }
        let (c1, length) = fitted(axis, size: box.l)
        let (c2, width) = fitted(normal, size: box.w)
        var out = box
        let xy = axis * c1 + normal * c2
        out.x = xy.x; out.y = xy.y
        out.l = length; out.w = width
        out.yaw = Box3D.normalizedAngle(yaw)
        return out
    }
}
