import Comm
import Perception
import V2XCore

extension BoxRefiner {
    /// The returns a sender carries inside each of `boxes` (`returns(of:points:limit:)`), coded
    /// for the wire, one entry per box; none when `limit` is 0 or there are no boxes.
    public func codedReturns(of boxes: [Box3D], points: PointCloud, limit: Int) -> [BoxReturns] {
        guard limit > 0, !boxes.isEmpty else { return [] }
        return zip(returns(of: boxes, points: points, limit: limit), boxes).map { BoxReturns(points: $0, in: $1) }
    }
}
