import Foundation
import V2XCore

/// CenterPoint training targets on the feature grid.
///
/// - `heatmap`: `(H, W, K)` channels-last; per object a Gaussian around its centre cell,
///   exactly 1 at that cell, merged by max; `σ = (2r + 1) / 6` with `r` the CornerNet
///   radius at overlap 0.1 (at least `minimumRadius` cells).
/// - `centers`: one entry per object whose centre is on the grid: the cell, the class
///   channel and its 8-number `BoxCoder` code (a later object on the same cell replaces an earlier one).
/// - `regressionCells`: where the box code is supervised: each object's centre cell (weight 1)
///   and its 8 neighbours, weighted by the object's Gaussian there (TTFNet-style). The decoder
///   reads the code at the heatmap peak, which is often a neighbour of the true centre; an
///   untrained code there gives a wild box. A cell claimed by several objects goes to the one
///   with the highest weight, so a centre cell is always its own object's.
public struct DetectionTargets: Sendable, Equatable {
    public struct Center: Sendable, Equatable {
        public var row: Int
        public var column: Int
        public var classIndex: Int
        public var code: [Float]
    }

    /// A cell whose box code is supervised, with the loss weight of that cell.
    public struct RegressionCell: Sendable, Equatable {
        public var row: Int
        public var column: Int
        public var code: [Float]
        public var weight: Float
    }

    public var heatmap: FeatureMap
    public var centers: [Center]
    public var regressionCells: [RegressionCell]

    /// Smallest Gaussian radius in cells.
    public static let minimumRadius = 2
    /// Neighbours within this many cells of a centre (Chebyshev distance) also regress the box.
    public static let regressionRadius = 1

    /// Builds the targets for boxes in the sensor frame; boxes of other categories are ignored.
    public init(boxes: [Box3D], config: DetectorConfig) {
        let grid = config.featureGrid
        let coder = BoxCoder(grid: grid, heading: config.headingCode)
        let k = config.classes.count
        var heatmap = FeatureMap(height: grid.height, width: grid.width, channels: k)
        var byCell: [Int: Center] = [:]
        var order: [Int] = []
        var regressionByCell: [Int: RegressionCell] = [:]
        var regressionOrder: [Int] = []
        for box in boxes {
            guard let cls = config.classes.firstIndex(of: box.label.category),
                  let (row, column, code) = coder.encode(box) else { continue }
            let radius = max(Self.minimumRadius, Int(Self.gaussianRadius(
                length: box.l / grid.cellSizeMeters, width: box.w / grid.cellSizeMeters, minimumOverlap: 0.1)))
            let sigma = Double(2 * radius + 1) / 6
            for dr in -radius...radius {
                for dc in -radius...radius {
                    let r = row + dr, c = column + dc
                    guard r >= 0, r < grid.height, c >= 0, c < grid.width else { continue }
                    let v = Float(exp(-Double(dr * dr + dc * dc) / (2 * sigma * sigma)))
                    let i = (r * grid.width + c) * k + cls
                    if v > heatmap.values[i] { heatmap.values[i] = v }
                }
            }
            let key = (row * grid.width + column) * k + cls
            if byCell[key] == nil { order.append(key) }
            byCell[key] = Center(row: row, column: column, classIndex: cls, code: code)
            let reach = Self.regressionRadius
            for dr in -reach...reach {
                for dc in -reach...reach {
                    let r = row + dr, c = column + dc
                    guard r >= 0, r < grid.height, c >= 0, c < grid.width,
                          let cellCode = coder.encode(box, row: r, column: c) else { continue }
                    let weight = Float(exp(-Double(dr * dr + dc * dc) / (2 * sigma * sigma)))
                    let cellKey = r * grid.width + c
                    if let held = regressionByCell[cellKey] {
                        // Ties go to the later object, as for centres.
                        guard weight >= held.weight else { continue }
                    } else {
                        regressionOrder.append(cellKey)
                    }
                    regressionByCell[cellKey] = RegressionCell(row: r, column: c, code: cellCode, weight: weight)
                }
            }
        }
        self.heatmap = heatmap
        centers = order.compactMap { byCell[$0] }
        regressionCells = regressionOrder.compactMap { regressionByCell[$0] }
    }

    /// The CornerNet radius (in cells) within which a shifted box of size `length × width`
    /// cells still overlaps the original by at least `minimumOverlap` IoU: the smallest root
    /// of the three corner-shift cases.
    public static func gaussianRadius(length: Double, width: Double, minimumOverlap o: Double) -> Double {
        let (h, w) = (length, width)
        let b1 = h + w, c1 = w * h * (1 - o) / (1 + o)
        let r1 = (b1 + (b1 * b1 - 4 * c1).squareRoot()) / 2
        let b2 = 2 * (h + w), c2 = (1 - o) * w * h
        let r2 = (b2 + (b2 * b2 - 16 * c2).squareRoot()) / 2
        let a3 = 4 * o, b3 = -2 * o * (h + w), c3 = (o - 1) * w * h
        let r3 = (b3 + (b3 * b3 - 4 * a3 * c3).squareRoot()) / 2
        return min(r1, r2, r3)
    }
}
