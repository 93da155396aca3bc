import V2XCore

/// A small RGBA raster for pictures: pixels, lines, filled and outlined polygons, dots
/// and `BitmapFont` text, composited "source over" with straight alpha.
///
/// Coordinates are in pixels: x to the right, y down, the pixel (x, y) covering
/// `[x, x+1) × [y, y+1)`; shapes cover the pixels whose centres `(x + ½, y + ½)` they
/// contain. Anything outside the canvas is clipped.
///
/// ```
/// pixels: [r g b a][r g b a] …   row 0 (top), width × 4 bytes
///         …                      height rows
/// ```
public struct RasterCanvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// RGBA8, row-major from the top row.
    public private(set) var pixels: [UInt8]

    /// The largest side accepted (pictures, not data).
    public static let maxSide = 16384

    /// A canvas filled with one colour.
    /// - Throws: `V2XError.invalidArgument` unless both sides are in 1…`maxSide`.
    public init(width: Int, height: Int, background: RGBA = .night) throws {
        guard (1...Self.maxSide).contains(width), (1...Self.maxSide).contains(height) else {
            throw V2XError(.invalidArgument, "canvas size \(width)×\(height) is outside 1…\(Self.maxSide)")
        }
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
        for i in 0..<(width * height) {
            pixels[4 * i] = background.r; pixels[4 * i + 1] = background.g
            pixels[4 * i + 2] = background.b; pixels[4 * i + 3] = background.a
        }
    }

    /// Wraps existing RGBA8 pixels.
    /// - Throws: `V2XError.shapeMismatch` when `pixels.count != width · height · 4`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, pixels.count == width * height * 4 else {
            throw V2XError(.shapeMismatch, "\(width)×\(height) RGBA needs \(max(0, width * height * 4)) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The colour of a pixel; nil outside the canvas.
    public subscript(x: Int, y: Int) -> RGBA? {
        guard x >= 0, x < width, y >= 0, y < height else { return nil }
        let i = 4 * (y * width + x)
        return RGBA(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }

    /// Composites `color` over one pixel: `out = a·src + (1 − a)·dst` per channel and
    /// `out_a = a + (1 − a)·dst_a`, with `a = color.a / 255`.
    public mutating func blend(x: Int, y: Int, _ color: RGBA) {
        guard x >= 0, x < width, y >= 0, y < height, color.a > 0 else { return }
        let i = 4 * (y * width + x)
        if color.a == 255 {
            pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b; pixels[i + 3] = 255
            return
        }
        let a = UInt32(color.a), na = 255 - a
        func mix(_ src: UInt8, _ dst: UInt8) -> UInt8 { UInt8((UInt32(src) * a + UInt32(dst) * na + 127) / 255) }
        pixels[i] = mix(color.r, pixels[i])
        pixels[i + 1] = mix(color.g, pixels[i + 1])
        pixels[i + 2] = mix(color.b, pixels[i + 2])
        pixels[i + 3] = UInt8(min(255, a + (UInt32(pixels[i + 3]) * na + 127) / 255))
    }

    /// Fills the pixels of an axis-aligned rectangle `[x, x+w) × [y, y+h)`.
    public mutating func fillRect(x: Int, y: Int, width w: Int, height h: Int, _ color: RGBA) {
        let x0 = max(0, x), x1 = min(width, x + w), y0 = max(0, y), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for py in y0..<y1 { for px in x0..<x1 { blend(x: px, y: py, color) } }
    }

    /// A square dot of side `2·radius + 1` centred on the pixel holding `p`.
    public mutating func drawDot(_ p: SIMD2<Double>, radius: Int = 0, _ color: RGBA) {
        guard p.x.isFinite, p.y.isFinite, abs(p.x) < 1e9, abs(p.y) < 1e9 else { return }
        let cx = Int(p.x.rounded(.down)), cy = Int(p.y.rounded(.down))
        fillRect(x: cx - radius, y: cy - radius, width: 2 * radius + 1, height: 2 * radius + 1, color)
    }

    /// A straight line. Width 1 is a Bresenham line through the pixels holding the end
    /// points (each pixel once); wider lines fill the rectangle of that width around the
    /// segment.
    public mutating func drawLine(from a: SIMD2<Double>, to b: SIMD2<Double>, width lineWidth: Double = 1, _ color: RGBA) {
        guard [a.x, a.y, b.x, b.y].allSatisfy({ $0.isFinite && abs($0) < 1e15 }) else { return }
        if lineWidth > 1 {
            let d = b - a
            let length = (d.x * d.x + d.y * d.y).squareRoot()
            guard length > 0 else { return drawDot(a, radius: Int(lineWidth / 2), color) }
            let n = SIMD2(-d.y, d.x) / length * (lineWidth / 2)
            fillPolygon([a + n, b + n, b - n, a - n], color)
            return
        }
        // Clip to one pixel around the canvas first (Liang–Barsky), so far-away segments
        // cost nothing and the walk below stays short.
        guard let (ca, cb) = clipped(a, b) else { return }
        var x0 = Int(ca.x.rounded(.down)), y0 = Int(ca.y.rounded(.down))
        let x1 = Int(cb.x.rounded(.down)), y1 = Int(cb.y.rounded(.down))
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            blend(x: x0, y: y0, color)
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x0 += sx }
            if e2 <= dx { err += dx; y0 += sy }
        }
    }

    /// Fills a polygon (any simple or self-intersecting outline, even-odd rule) by scan
    /// lines through pixel centres.
    public mutating func fillPolygon(_ points: [SIMD2<Double>], _ color: RGBA) {
        guard points.count >= 3, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else { return }
        let ys = points.map(\.y)
        guard let minY = ys.min(), let maxY = ys.max() else { return }
        // Clamp before converting: coordinates may lie arbitrarily far off the canvas.
        let rowStart = Int((Self.clamp(minY, height) - 0.5).rounded(.up)).clamped(0, height)
        let rowEnd = Int((Self.clamp(maxY, height) - 0.5).rounded(.down)).clamped(-1, height - 1)
        guard rowStart <= rowEnd else { return }
        var crossings: [Double] = []
        for row in rowStart...rowEnd {
            let yc = Double(row) + 0.5
            crossings.removeAll(keepingCapacity: true)
            var p = points[points.count - 1]
            for q in points {
                if (p.y <= yc && yc < q.y) || (q.y <= yc && yc < p.y) {
                    // Interpolation parameter first: stays finite for huge coordinates.
                    let t = (yc - p.y) / (q.y - p.y)
                    crossings.append(p.x + t * (q.x - p.x))
                }
                p = q
            }
            crossings.sort()
            var k = 0
            while k + 1 < crossings.count {
                // Pixels whose centre x + ½ lies in [left, right).
                let first = max(0, Int((Self.clamp(crossings[k], width) - 0.5).rounded(.up)))
                let last = min(width - 1, Int((Self.clamp(crossings[k + 1], width) - 0.5).rounded(.up)) - 1)
                if first <= last { for x in first...last { blend(x: x, y: row, color) } }
                k += 2
            }
        }
    }

    /// The closed outline of a polygon.
    public mutating func strokePolygon(_ points: [SIMD2<Double>], width lineWidth: Double = 1, _ color: RGBA) {
        guard points.count >= 2 else { return }
        for i in points.indices {
            drawLine(from: points[i], to: points[(i + 1) % points.count], width: lineWidth, color)
        }
    }

    /// Text in `BitmapFont` with its top-left corner at the pixel holding `at` (for
    /// positions computed in floating point; text anchored off the canvas is skipped).
    public mutating func drawText(_ text: String, at p: SIMD2<Double>, scale: Int = 1, _ color: RGBA) {
        guard p.x.isFinite, p.y.isFinite, abs(p.x) < 1e6, abs(p.y) < 1e6 else { return }
        drawText(text, x: Int(p.x.rounded(.down)), y: Int(p.y.rounded(.down)), scale: scale, color)
    }

    /// Text in `BitmapFont` with its top-left corner at (x, y); `\n` starts a new line.
    public mutating func drawText(_ text: String, x: Int, y: Int, scale: Int = 1, _ color: RGBA) {
        let s = max(1, scale)
        var penX = x, penY = y
        for c in text {
            if c == "\n" {
                penX = x
                penY += BitmapFont.lineHeight * s
                continue
            }
            let rows = BitmapFont.glyph(c)
            for (r, bits) in rows.enumerated() {
                for col in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - col)) != 0 {
                    fillRect(x: penX + col * s, y: penY + r * s, width: s, height: s, color)
                }
            }
            penX += BitmapFont.advance * s
        }
    }

    /// Copies another canvas with its top-left corner at (x, y), compositing its alpha.
    public mutating func draw(_ other: RasterCanvas, x: Int, y: Int) {
        for oy in 0..<other.height {
            for ox in 0..<other.width {
                let i = 4 * (oy * other.width + ox)
                blend(x: x + ox, y: y + oy, RGBA(other.pixels[i], other.pixels[i + 1], other.pixels[i + 2], other.pixels[i + 3]))
            }
        }
    }

    /// The part of segment a→b inside `[-1, width + 1] × [-1, height + 1]`, or nil:
    /// Liang–Barsky, `p(t) = a + t·(b − a)` kept for t in [t₀, t₁] ⊆ [0, 1].
    private func clipped(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> (SIMD2<Double>, SIMD2<Double>)? {
        let d = b - a
        var t0 = 0.0, t1 = 1.0
        let edges: [(Double, Double)] = [
            (-d.x, a.x + 1), (d.x, Double(width) + 1 - a.x), (-d.y, a.y + 1), (d.y, Double(height) + 1 - a.y),
        ]
        for (p, q) in edges {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
                if t0 > t1 { return nil }
            }
        }
        return (a + d * t0, a + d * t1)
    }

    /// A coordinate limited to one pixel beyond the canvas (0…`size`), NaN-free.
    private static func clamp(_ v: Double, _ size: Int) -> Double {
        v.isNaN ? -1 : min(Double(size) + 1, max(-1, v))
    }
}

private extension Int {
    func clamped(_ lo: Int, _ hi: Int) -> Int { Swift.min(hi, Swift.max(lo, self)) }
}
