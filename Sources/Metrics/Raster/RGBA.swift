/// An 8-bit-per-channel colour with straight (not premultiplied) alpha.
public struct RGBA: Sendable, Equatable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r; self.g = g; self.b = b; self.a = a
    }

    /// The same colour with another opacity.
    public func withAlpha(_ alpha: UInt8) -> RGBA { RGBA(r, g, b, alpha) }

    public static let black = RGBA(0, 0, 0)
    public static let white = RGBA(255, 255, 255)
    /// Background of BEV pictures.
    public static let night = RGBA(18, 20, 26)
    /// Ground truth outlines.
    public static let groundTruth = RGBA(64, 220, 96)
    /// Detection outlines.
    public static let detection = RGBA(255, 80, 64)

    /// Distinct colours for agents' points, cycled by agent index (ego first).
    public static let agentPalette: [RGBA] = [
        RGBA(230, 230, 230), RGBA(80, 170, 255), RGBA(255, 190, 60), RGBA(200, 120, 255),
        RGBA(90, 220, 220), RGBA(255, 120, 180), RGBA(170, 210, 90), RGBA(255, 150, 100),
    ]

    /// A perceptual-ish heat ramp for a value in [0, 1] (dark blue → magenta → yellow);
    /// values outside are clamped.
    public static func heat(_ value: Double) -> RGBA {
        let t = max(0, min(1, value.isFinite ? value : 0))
        let stops: [(Double, Double, Double)] = [(20, 20, 90), (160, 40, 160), (250, 120, 60), (255, 240, 120)]
        let x = t * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(x))
        let f = x - Double(i)
        func mix(_ a: Double, _ b: Double) -> UInt8 { UInt8((a + (b - a) * f).rounded()) }
        return RGBA(mix(stops[i].0, stops[i + 1].0), mix(stops[i].1, stops[i + 1].1), mix(stops[i].2, stops[i + 1].2))
    }
}
