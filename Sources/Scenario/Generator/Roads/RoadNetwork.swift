import Foundation

/// The drivable network of a world: lanes (road and junction connectors), junctions and
/// road segments, built from a graph of nodes (junctions or world-edge ends) and straight
/// edges. Traffic drives on the right.
///
/// ```
///            │ ↓ │ ↑ │            lanes of an edge A→B lie right of the travel direction,
///   ─────────┘   ·   └─────────   innermost lane first; road lanes stop `junctionRadius`
///   ← ← ← ←    ┌───┐              short of a junction's centre, where connectors (Bézier
///   ···········│ J │············  curves) join each incoming lane to the outgoing lanes of
///   → → → →    └───┘              the other edges: left from the inner lane, right from the
///   ─────────┐   ·   ┌─────────   outer lane, straight lane-to-lane.
/// ```
struct RoadNetwork: Sendable {
    /// A straight road between two nodes (used for scenery and road paint).
    struct Segment: Sendable {
        let from: SIMD2<Double>
        let to: SIMD2<Double>
        /// Whether each end is a junction.
        let fromIsJunction: Bool
        let toIsJunction: Bool
        /// From the centreline to the outer edge of the carriageway (lanes, parking, shoulder), metres.
        let halfWidth: Double

        var direction: SIMD2<Double> { (to - from) / RoadLane.distance(to, from) }
        var length: Double { RoadLane.distance(to, from) }
        var heading: Double { atan2(to.y - from.y, to.x - from.x) }
    }

    /// Cross-section of every road in the network.
    struct CrossSection: Sendable {
        var lanesPerDirection: Int
        var laneWidth: Double
        /// Half the width of the median between the two directions (0 on urban roads).
        var medianHalfWidth: Double
        /// Width of the parking lane or hard shoulder outside the outer lane (0 when none).
        var outerStrip: Double
        var speedLimit: Double

        var halfWidth: Double { medianHalfWidth + Double(lanesPerDirection) * laneWidth + outerStrip }
        /// Lateral offset of lane `k` (0 = innermost) to the right of the travel direction.
        func laneOffset(_ k: Int) -> Double { medianHalfWidth + (Double(k) + 0.5) * laneWidth }
    }

    private(set) var lanes: [RoadLane] = []
    private(set) var segments: [Segment] = []
    /// Junction centres.
    private(set) var junctions: [SIMD2<Double>] = []
    let crossSection: CrossSection
    /// Road lanes stop this far from a junction's centre (the stop line), metres.
    let junctionRadius: Double

    /// Road lanes that start at the world's edge (where traffic spawns).
    var entryLanes: [Int] { lanes.filter { $0.kind == .road && !hasPredecessor($0.id) }.map(\.id) }

    private var predecessorCount: [Int] = []
    private func hasPredecessor(_ lane: Int) -> Bool { predecessorCount[lane] > 0 }

    /// Paths of different connectors closer than this are in conflict, metres (a bus is
    /// 2.6 m wide; neighbouring straight lanes at 3.5 m stay conflict-free).
    static let conflictDistance = 3.2

    /// Builds the network.
    /// - Parameters:
    ///   - nodes: node positions, metres.
    ///   - junctionNodes: which nodes are junctions (the others are world-edge ends).
    ///   - edges: undirected straight roads between nodes.
    init(nodes: [SIMD2<Double>], junctionNodes: Set<Int>, edges: [(Int, Int)], crossSection: CrossSection) {
        self.crossSection = crossSection
        junctionRadius = crossSection.halfWidth + 2.0
        var junctionIndex: [Int: Int] = [:]
        for n in junctionNodes.sorted() {
            junctionIndex[n] = junctions.count
            junctions.append(nodes[n])
        }
        // Road lanes, both directions of every edge.
        var incoming: [Int: [(lane: Int, edge: Int, k: Int)]] = [:]
        var outgoing: [Int: [(lane: Int, edge: Int, k: Int)]] = [:]
        for (e, (a, b)) in edges.enumerated() {
            segments.append(Segment(
                from: nodes[a], to: nodes[b], fromIsJunction: junctionNodes.contains(a), toIsJunction: junctionNodes.contains(b),
                halfWidth: crossSection.halfWidth
            ))
            for (start, end) in [(a, b), (b, a)] {
                let p = nodes[start], q = nodes[end]
                let u = (q - p) / RoadLane.distance(q, p)
                let right = SIMD2(u.y, -u.x)
                let trimStart = junctionNodes.contains(start) ? junctionRadius : 0
                let trimEnd = junctionNodes.contains(end) ? junctionRadius : 0
                let group = abs(u.x) >= abs(u.y) ? 0 : 1
                for k in 0..<crossSection.lanesPerDirection {
                    let offset = right * crossSection.laneOffset(k)
                    let p0 = p + u * trimStart + offset, p1 = q - u * trimEnd + offset
                    let length = RoadLane.distance(p1, p0)
                    let steps = max(1, Int((length / 10).rounded(.up)))
                    let points = (0...steps).map { p0 + (p1 - p0) * (Double($0) / Double(steps)) }
                    let id = lanes.count
                    lanes.append(RoadLane(
                        id: id, kind: .road, points: points, speedLimit: crossSection.speedLimit, turn: .straight,
                        junction: junctionIndex[end], signalGroup: group
                    ))
                    if junctionNodes.contains(end) { incoming[end, default: []].append((id, e, k)) }
                    if junctionNodes.contains(start) { outgoing[start, default: []].append((id, e, k)) }
                }
            }
        }
        // Connectors.
        let n = crossSection.lanesPerDirection
        for node in junctionNodes.sorted() {
            guard let j = junctionIndex[node] else { continue }
            var connectorIDs: [Int] = []
            for inLane in incoming[node] ?? [] {
                for outLane in outgoing[node] ?? [] where outLane.edge != inLane.edge {
                    let a = lanes[inLane.lane], b = lanes[outLane.lane]
                    let delta = Self.wrap(b.startHeading - a.endHeading)
                    let turn: RoadLane.Turn = abs(delta) < .pi / 6 ? .straight : (delta > 0 ? .left : .right)
                    switch turn {
                    case .straight: guard outLane.k == min(inLane.k, n - 1) else { continue }
                    case .left: guard inLane.k == 0, outLane.k == 0 else { continue }
                    case .right: guard inLane.k == n - 1, outLane.k == n - 1 else { continue }
                    }
                    let p0 = a.points[a.points.count - 1], p3 = b.points[0]
                    let chord = RoadLane.distance(p3, p0)
                    let u0 = SIMD2(cos(a.endHeading), sin(a.endHeading)), u3 = SIMD2(cos(b.startHeading), sin(b.startHeading))
                    let handle = turn == .straight ? chord / 3 : chord * 0.55
                    let p1 = p0 + u0 * handle, p2 = p3 - u3 * handle
                    let steps = max(6, Int(chord.rounded(.up)))
                    let points = (0...steps).map { i -> SIMD2<Double> in
                        let t = Double(i) / Double(steps), m = 1 - t
                        return m * m * m * p0 + 3 * m * m * t * p1 + 3 * m * t * t * p2 + t * t * t * p3
                    }
                    // Curve speed: lateral acceleration ≤ 2.5 m/s² on the arc through the turn.
                    var limit = crossSection.speedLimit
                    if turn != .straight {
                        let radius = chord / (2 * sin(abs(delta) / 2))
                        limit = min(limit, (2.5 * radius).squareRoot())
                    }
                    let id = lanes.count
                    lanes.append(RoadLane(id: id, kind: .connector, points: points, speedLimit: limit, turn: turn, junction: j, signalGroup: a.signalGroup))
                    lanes[inLane.lane].successors.append(id)
                    lanes[id].successors.append(outLane.lane)
                    connectorIDs.append(id)
                }
            }
            for x in connectorIDs {
                for y in connectorIDs where x != y && Self.minimumDistance(lanes[x].points, lanes[y].points) < Self.conflictDistance {
                    lanes[x].conflicts.append(y)
                }
            }
        }
        predecessorCount = [Int](repeating: 0, count: lanes.count)
        for lane in lanes { for s in lane.successors { predecessorCount[s] += 1 } }
    }

    /// Wraps an angle into (-π, π].
    static func wrap(_ a: Double) -> Double {
        var r = a.truncatingRemainder(dividingBy: 2 * .pi)
        if r <= -.pi { r += 2 * .pi }
        if r > .pi { r -= 2 * .pi }
        return r
    }

    /// Smallest distance between the sample points of two polylines.
    static func minimumDistance(_ a: [SIMD2<Double>], _ b: [SIMD2<Double>]) -> Double {
        var best = Double.infinity
        for p in a { for q in b { best = min(best, RoadLane.distance(p, q)) } }
        return best
    }
}
