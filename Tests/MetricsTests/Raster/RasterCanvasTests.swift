import Foundation
import Testing
import V2XCore
import V2XTestSupport
@testable import Metrics

@Suite struct RasterCanvasTests {
    private func painted(_ canvas: RasterCanvas, _ color: RGBA) -> Set<[Int]> {
        var out = Set<[Int]>()
        for y in 0..<canvas.height { for x in 0..<canvas.width where canvas[x, y] == color { out.insert([x, y]) } }
        return out
    }

    @Test func rectangleCoversPixelCentresInside() throws {
        // The rectangle [1, 4) × [1, 3) holds the centres of x = 1…3, y = 1…2: 6 pixels.
        var c = try RasterCanvas(width: 6, height: 5, background: .black)
        c.fillPolygon([SIMD2(1, 1), SIMD2(4, 1), SIMD2(4, 3), SIMD2(1, 3)], .white)
        #expect(painted(c, .white) == Set([[1, 1], [2, 1], [3, 1], [1, 2], [2, 2], [3, 2]]))
    }

    @Test func triangleFillsHalfASquare() throws {
        // Right triangle (0,0)-(10,0)-(0,10): pixel (x, y) is filled when its centre
        // (x + ½, y + ½) has x + y + 1 < 10, i.e. x + y ≤ 8: 9·10/2 = 45 pixels. Centres on
        // the hypotenuse (x + y = 9) sit on the open right end of their span and stay out.
        var c = try RasterCanvas(width: 10, height: 10, background: .black)
        c.fillPolygon([SIMD2(0, 0), SIMD2(10, 0), SIMD2(0, 10)], .white)
        #expect(painted(c, .white).count == 45)
    }

    @Test func lineVisitsEachPixelOnce() throws {
        var c = try RasterCanvas(width: 8, height: 8, background: .black)
        c.drawLine(from: SIMD2(0.5, 0.5), to: SIMD2(5.5, 5.5), RGBA(255, 255, 255, 128))
        // A 45° line: the 6 diagonal pixels, each blended once (128 of white over black).
        let half = RGBA(128, 128, 128, 255)
        #expect(painted(c, half) == Set((0...5).map { [$0, $0] }))
    }

    @Test func alphaBlending() throws {
        var c = try RasterCanvas(width: 1, height: 1, background: RGBA(0, 0, 200))
        c.blend(x: 0, y: 0, RGBA(255, 0, 0, 51))
        // 51/255 = 0.2: red 0.2·255 = 51, blue 0.8·200 = 160.
        #expect(c[0, 0] == RGBA(51, 0, 160, 255))
        c.blend(x: 5, y: 5, .white)
        #expect(c[5, 5] == nil)
    }

    @Test func textUsesTheBitmapFont() throws {
        var c = try RasterCanvas(width: 12, height: 8, background: .black)
        c.drawText("1-", x: 0, y: 0, .white)
        // "1": top row 00100 → only column 2; bottom row 01110 → columns 1…3.
        #expect(c[2, 0] == .white && c[1, 0] == .black && c[3, 0] == .black)
        #expect(c[1, 6] == .white && c[3, 6] == .white && c[0, 6] == .black)
        // "-" starts 6 pixels later, its bar on row 3.
        #expect((6...10).allSatisfy { c[$0, 3] == .white } && c[6, 2] == .black)
        #expect(BitmapFont.width(of: "1-") == 11 && BitmapFont.width(of: "ab", scale: 2) == 22)
        #expect(BitmapFont.glyph("a") == BitmapFont.glyph("A"))
    }

    @Test func invalidSizesAreRejected() {
        #expect(throws: V2XError.self) { try RasterCanvas(width: 0, height: 4) }
        #expect(throws: V2XError.self) { try RasterCanvas(width: 4, height: 4, pixels: [0, 0, 0]) }
    }

    @Test func pngRoundTrip() throws {
        var rng = SeededGenerator(seed: 3)
        let pixels = (0..<(7 * 5 * 4)).map { i in i % 4 == 3 ? 255 : UInt8.random(in: 0...255, using: &rng) }
        let canvas = try RasterCanvas(width: 7, height: 5, pixels: pixels)
        let data = try PNGCodec.encode(canvas)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(try PNGCodec.decode(data) == canvas)
        let dir = try TemporaryDirectory()
        try PNGCodec.write(canvas, to: dir.file("a.png"))
        #expect(try PNGCodec.decode(Data(contentsOf: dir.file("a.png"))) == canvas)
    }

    @Test func garbageIsNotAPNG() {
        let error = #expect(throws: V2XError.self) { try PNGCodec.decode(Data("hello, not a png".utf8)) }
        #expect(error?.code == .malformedData)
    }

    @Test func contactSheetTilesAndShrinks() throws {
        let red = try RasterCanvas(width: 20, height: 10, background: RGBA(255, 0, 0))
        let blue = try RasterCanvas(width: 20, height: 10, background: RGBA(0, 0, 255))
        // 3 tiles shrunk 2× to 10×5, 2 columns → 2 rows; gap 6, caption 12:
        // width 6 + 2·(10 + 6) = 38, height 6 + 2·(5 + 12 + 6) = 52.
        let sheet = try ContactSheet.compose([red, blue, red], captions: ["A", "B", "C"], columns: 2, shrink: 2)
        #expect(sheet.width == 38 && sheet.height == 52)
        #expect(sheet[6, 6] == RGBA(255, 0, 0) && sheet[22, 6] == RGBA(0, 0, 255) && sheet[6, 29] == RGBA(255, 0, 0))
        #expect(throws: V2XError.self) { try ContactSheet.compose([], columns: 2) }
        // Averaging: a 2×1 black/white pair shrinks to mid grey.
        let pair = try RasterCanvas(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255, 255, 255])
        #expect(try ContactSheet.downsample(pair, by: 2)[0, 0] == RGBA(128, 128, 128, 255))
    }
}

@Suite struct RasterCanvasRobustnessTests {
    @Test func farAwayAndNonFiniteShapesAreClippedNotFatal() throws {
        var c = try RasterCanvas(width: 16, height: 16, background: .black)
        // A line from far off the canvas to its middle draws only the visible part.
        c.drawLine(from: SIMD2(-1e12, 8.5), to: SIMD2(8.5, 8.5), .white)
        #expect((0...8).allSatisfy { c[$0, 8] == .white } && c[9, 8] == .black)
        c.drawLine(from: SIMD2(1e14, 1e14), to: SIMD2(2e14, 3e14), .white)
        // A triangle with its base 10¹² px away and its apex at (0, 4): on row 0 (y = ½)
        // its right edge is at x = 4 − ½ = 3.5, so pixels 0…2 fill and pixel 8 does not.
        c.fillPolygon([SIMD2(-1e12, -1e12), SIMD2(1e12, -1e12), SIMD2(0, 4)], RGBA(0, 255, 0))
        #expect(c[2, 0] == RGBA(0, 255, 0) && c[3, 0] == .black && c[0, 4] == .black)
        // Beyond double precision, or NaN, nothing traps and the bottom stays untouched.
        c.fillPolygon([SIMD2(-1e300, -1e300), SIMD2(1e300, -1e300), SIMD2(0, 4)], RGBA(0, 255, 0))
        c.fillPolygon([SIMD2(.nan, 0), SIMD2(1, 1), SIMD2(0, 1)], RGBA(0, 0, 255))
        c.drawText("X", at: SIMD2(1e20, 0), .white)
        #expect(c[8, 15] == .black && c[15, 12] == .black)
        // The renderer draws boxes and labels far away without trapping.
        let r = try BEVRenderer(pixelsPerMeter: 2)
        let far = Box3D(x: 1e18, y: -1e18, z: 0, l: 4, w: 2, h: 1.5, yaw: 0.3, score: 0.5)
        let picture = try r.render(BEVScene(title: "FAR", agents: [], groundTruth: [far], detections: [far]))
        #expect(picture.width == 205)
        #expect(throws: V2XError.self) { try BEVRenderer(pixelsPerMeter: 1e300) }
    }
}
