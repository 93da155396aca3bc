import Foundation
import V2XCore

/// The ego's returns sorted into azimuth sectors around its sensor, so that for a box it can
/// count the returns on the object (inside the box, above its lowest 0.2 m) and the rays that
/// passed through the box and ended beyond it.
///
/// A ray that went through a box and hit something behind it is evidence the box is empty
/// (visibility reasoning, as in Hu et al., "What You See Is What You Get: Exploiting Visibility
/// for 3D Object Detection", CVPR 2020): a real car stops the rays that reach it. The sensor is
/// the origin of the cloud's frame. A box whose footprint holds the sensor has neither.
struct RayEvidence {
    /// Counts for one box.
    struct Counts: Equatable {
        /// Returns inside the box, its lowest `groundClearanceMeters` left out.
        var onObject = 0
        /// Rays from the sensor that cross the box's volume and end beyond it.
        var through = 0
    }

    /// Height above a box's bottom below which returns and crossings count for neither (ground).
    static let groundClearanceMeters = 0.2
    /// Azimuth sectors (in the pseudo-angle `diamondAngle`, four units to a turn).
    static let sectors = 1024
    /// Range bins within a sector, `rangeBinMeters` wide; the last one holds every farther return.
    static let rangeBins = 128
    static let rangeBinMeters = 1.0

    /// The returns, sorted by cell.
    private let returns: [SIMD4<Float>]
    /// Indices into `returns` where each (sector, range bin) cell starts, cells in
    /// sector-major order; `sectors × rangeBins + 1` entries.
    private let starts: [Int32]

    /// Sorts `cloud` (in the sensor's frame) by sector and, within a sector, by range bin
    /// (a counting sort), non-finite returns left out.
    init(_ cloud: PointCloud) {
        let cx = cloud.x, cy = cloud.y, cz = cloud.z
        let cells = Self.sectors * Self.rangeBins
        var cellOf = [Int32](repeating: -1, count: cx.count)
        var counts = [Int32](repeating: 0, count: cells + 1)
        for i in cx.indices {
            let px = cx[i], py = cy[i]
            guard px.isFinite, py.isFinite, cz[i].isFinite, px != 0 || py != 0 else { continue }
            let cell = Self.cell(x: Double(px), y: Double(py))
            cellOf[i] = Int32(cell)
            counts[cell + 1] += 1
        }
        for cell in 0..<cells { counts[cell + 1] += counts[cell] }
        var next = counts
        var sorted = [SIMD4<Float>](repeating: .zero, count: Int(counts[cells]))
        for i in cx.indices where cellOf[i] >= 0 {
            let cell = Int(cellOf[i]), slot = Int(next[cell])
            sorted[slot] = SIMD4(cx[i], cy[i], cz[i], 0)
            next[cell] += 1
        }
        returns = sorted; starts = counts
    }

    /// The returns on `box` and the rays through it. Only returns at least as far from the
    /// sensor as the box's nearest possible point are visited: a nearer one can neither lie in it
    /// nor have a ray through it.
    func counts(for box: Box3D) -> Counts {
        guard !box.footprintContains(x: 0, y: 0) else { return Counts() }
        let c = cos(box.yaw), s = sin(box.yaw)
        // The sensor in the box's frame (box axes: length along x, width along y).
        let ox = -(c * box.x + s * box.y), oy = -(-s * box.x + c * box.y)
        let bottom = box.z - box.h / 2 + Self.groundClearanceMeters, top = box.z + box.h / 2
        let nearest = max(hypot(box.x, box.y) - hypot(box.l, box.w) / 2, 0)
        let firstBin = Self.rangeBin(nearest)
        var counts = Counts()
        for sector in sectors(spannedBy: box) {
            let cells = sector * Self.rangeBins
            for i in Int(starts[cells + firstBin])..<Int(starts[cells + Self.rangeBins]) {
                let p = returns[i]
                let px = Double(p.x), py = Double(p.y), pz = Double(p.z)
                let dx = px - box.x, dy = py - box.y
                let qx = c * dx + s * dy, qy = -s * dx + c * dy
                if abs(qx) <= box.l / 2, abs(qy) <= box.w / 2 {
                    if pz >= bottom, pz <= top { counts.onObject += 1 }
                    continue
                }
                // The segment sensor → return, o + t·(q − o) for t in [0, 1], against the footprint.
                guard let (enter, exit) = Self.footprintCrossing(from: (ox, oy), to: (qx, qy), halfLength: box.l / 2, halfWidth: box.w / 2),
                      exit < 1 else { continue }
                let low = min(enter * pz, exit * pz), high = max(enter * pz, exit * pz)
                if high >= bottom, low <= top { counts.through += 1 }
            }
        }
        return counts
    }

    /// The parameters where the segment from `o` to `q` enters and leaves the rectangle
    /// |x| ≤ halfLength, |y| ≤ halfWidth (slab method), or nil when it misses it.
    static func footprintCrossing(from o: (Double, Double), to q: (Double, Double), halfLength: Double, halfWidth: Double) -> (Double, Double)? {
        var enter = 0.0, exit = 1.0
        for (origin, delta, half) in [(o.0, q.0 - o.0, halfLength), (o.1, q.1 - o.1, halfWidth)] {
            if abs(delta) < 1e-12 {
                if abs(origin) > half { return nil }
                continue
            }
            let a = (-half - origin) / delta, b = (half - origin) / delta
            enter = max(enter, min(a, b)); exit = min(exit, max(a, b))
        }
        return enter < exit ? (enter, exit) : nil
    }

    /// The sectors the box's footprint spans as seen from the sensor (which it does not hold).
    func sectors(spannedBy box: Box3D) -> [Int] {
        let c = cos(box.yaw), s = sin(box.yaw)
        var angles: [Double] = []
        for (u, v) in [(1.0, 1.0), (1, -1), (-1, 1), (-1, -1)] {
            let lx = u * box.l / 2, ly = v * box.w / 2
            angles.append(Self.diamondAngle(x: box.x + c * lx - s * ly, y: box.y + s * lx + c * ly))
        }
        // A footprint that does not hold the sensor spans less than half a turn (2 units); a
        // wider spread of its corners means it straddles the 0/4 seam.
        if angles.max()! - angles.min()! > 2 { angles = angles.map { $0 < 2 ? $0 + 4 : $0 } }
        let first = Int(angles.min()! / 4 * Double(Self.sectors)), last = Int(angles.max()! / 4 * Double(Self.sectors))
        return (first...min(max(last, first), first + Self.sectors - 1)).map { $0 % Self.sectors }
    }

    /// A monotonic stand-in for the azimuth of (x, y): 0…4 over a turn from +x, counter-clockwise,
    /// without trigonometry.
    static func diamondAngle(x: Double, y: Double) -> Double {
        if y >= 0 { return x >= 0 ? y / (x + y) : 1 - x / (-x + y) }
        return x < 0 ? 2 - y / (-x - y) : 3 + x / (x - y)
    }

    static func sector(_ angle: Double) -> Int {
        min(max(Int(angle / 4 * Double(sectors)), 0), sectors - 1)
    }

    /// The range bin of a horizontal distance from the sensor; every bin below it is nearer.
    static func rangeBin(_ range: Double) -> Int {
        min(Int(range / rangeBinMeters), rangeBins - 1)
    }

    /// The index cell of a return at (x, y): its sector, then its range bin.
    static func cell(x: Double, y: Double) -> Int {
        sector(diamondAngle(x: x, y: y)) * rangeBins + rangeBin((x * x + y * y).squareRoot())
    }
}
