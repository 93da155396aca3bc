/// A band of BEV distance from the ego, `minMeters ≤ √(x² + y²) < maxMeters`, measured at
/// the box centre in the ego LiDAR frame; `maxMeters == nil` means no upper bound.
public struct RangeBin: Sendable, Equatable, Hashable {
    public var minMeters: Double
    public var maxMeters: Double?

    public init(minMeters: Double, maxMeters: Double?) {
        self.minMeters = minMeters
        self.maxMeters = maxMeters
    }

    /// The report breakdown: 0–30 m, 30–50 m, 50 m and beyond.
    public static let standard = [
        RangeBin(minMeters: 0, maxMeters: 30), RangeBin(minMeters: 30, maxMeters: 50), RangeBin(minMeters: 50, maxMeters: nil),
    ]

    /// The report key: `"0-30"`, `"30-50"`, `"50+"` (metres, shortest decimal form).
    public var name: String {
        let lo = Self.format(minMeters)
        return maxMeters.map { "\(lo)-\(Self.format($0))" } ?? "\(lo)+"
    }

    /// Whether a distance in metres falls in the band.
    public func contains(distance: Double) -> Bool {
        distance >= minMeters && (maxMeters.map { distance < $0 } ?? true)
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}
