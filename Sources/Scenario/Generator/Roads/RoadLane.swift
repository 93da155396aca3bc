import Foundation

/// One directed lane: a centreline polyline that vehicles follow, with its speed limit
/// and the lanes a vehicle may continue on.
///
/// Road lanes run between junctions (or from/to the world's edge); connector lanes run
/// across a junction from an incoming road lane to an outgoing one.
struct RoadLane: Sendable {
    enum Kind: Sendable, Equatable { case road, connector }
    enum Turn: String, Sendable, Equatable, CaseIterable { case left, straight, right }

    let id: Int
    let kind: Kind
    /// Centreline points, metres, in driving order.
    let points: [SIMD2<Double>]
    /// Arc length at each point (`cumulative[0] == 0`).
    let cumulative: [Double]
    /// Speed limit, metres per second.
    let speedLimit: Double
    /// Connectors: the manoeuvre; road lanes: `.straight`.
    let turn: Turn
    /// Road lanes: the junction at the lane's end (nil at the world's edge); connectors: their junction.
    let junction: Int?
    /// Road lanes ending at a junction: the signal group that gives them green (0 or 1).
    let signalGroup: Int
    /// Lanes a vehicle may continue on (filled in by the network builder).
    var successors: [Int] = []
    /// Connectors at the same junction whose paths come too close to share the junction
    /// at the same time (filled in by the network builder).
    var conflicts: [Int] = []

    init(id: Int, kind: Kind, points: [SIMD2<Double>], speedLimit: Double, turn: Turn, junction: Int?, signalGroup: Int) {
        self.id = id
        self.kind = kind
        self.points = points
        var cumulative = [0.0]
        for i in 1..<points.count { cumulative.append(cumulative[i - 1] + RoadLane.distance(points[i], points[i - 1])) }
        self.cumulative = cumulative
        self.speedLimit = speedLimit
        self.turn = turn
        self.junction = junction
        self.signalGroup = signalGroup
    }

    /// Length of the centreline, metres.
    var length: Double { cumulative[cumulative.count - 1] }

    /// Position and heading (radians, REP 103) at arc length `s`; beyond either end the
    /// first or last segment is extended.
    func pose(at s: Double) -> (position: SIMD2<Double>, heading: Double) {
        var lo = 0, hi = cumulative.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if cumulative[mid] <= s { lo = mid } else { hi = mid }
        }
        let a = points[lo], b = points[hi]
        let segment = cumulative[hi] - cumulative[lo]
        let f = segment > 0 ? (s - cumulative[lo]) / segment : 0
        let d = b - a
        return (a + f * d, atan2(d.y, d.x))
    }

    /// Heading at the start and at the end of the lane.
    var startHeading: Double { pose(at: 0).heading }
    var endHeading: Double { pose(at: length).heading }
}

extension RoadLane {
    /// Euclidean distance between two points.
    static func distance(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        let d = a - b
        return (d * d).sum().squareRoot()
    }
}
