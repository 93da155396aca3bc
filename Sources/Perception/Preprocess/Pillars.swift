/// A sweep grouped into BEV pillars, ready for the pillar encoder.
///
/// ```
/// pointFeatures: (N, 9) row-major, per kept point
///     [x/rx, y/ry, z/rz, intensity, (x−x̄)/cell, (y−ȳ)/cell, (z−z̄)/rz, (x−xc)/cell, (y−yc)/cell]
///     x̄, ȳ, z̄: mean of the pillar's points; xc, yc: the pillar cell's centre;
///     rx, ry: half the grid extent; rz: `Pillars.zScaleMeters`
/// pointPillar:   (N)  index of each point's pillar in `pillarCells`
/// pillarCells:   (P)  grid cell `row · width + column` of each non-empty pillar, ascending
/// ```
public struct Pillars: Sendable, Equatable {
    /// Features per point.
    public static let featureCount = 9
    /// Metres that scale heights to order one.
    public static let zScaleMeters: Float = 4

    /// `(N, 9)` row-major.
    public var pointFeatures: [Float]
    /// `(N)`.
    public var pointPillar: [Int32]
    /// `(P)`.
    public var pillarCells: [Int32]
    /// Grid rows and columns the cells index into.
    public let gridHeight: Int
    public let gridWidth: Int

    /// Number of kept points.
    public var pointCount: Int { pointPillar.count }
    /// Number of non-empty pillars.
    public var pillarCount: Int { pillarCells.count }
}
