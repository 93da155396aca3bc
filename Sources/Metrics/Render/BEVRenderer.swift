import Foundation
import V2XCore

/// Draws a `BEVScene` as a picture seen from above with the ego's forward axis (+x) up
/// and its left (+y) to the left:
///
/// ```
///            +x (forward)
///               ↑
///   +y ←  ──── ego ────
/// ```
/// pixel column `u = (maxY − y) · s`, row `v = (maxX − x) · s` for `s` pixels per metre.
///
/// Layers, bottom to top: heat cells, range rings at 30 m and 50 m (the report's range
/// bins), points coloured by agent (`RGBA.agentPalette`, ego first), ground-truth boxes
/// (green), detections (red, with a heading tick and the score), agent poses (a triangle
/// pointing along the heading, with the id), then the title, a legend and a 10 m scale bar.
public struct BEVRenderer: Sendable {
    /// The area shown, in the ego frame (x forward, y left), metres.
    public var view: EvaluationRegion
    public var pixelsPerMeter: Double

    /// - Throws: `V2XError.invalidArgument` for a non-positive scale or a picture larger
    ///   than `RasterCanvas.maxSide` a side.
    public init(view: EvaluationRegion = EvaluationRegion(grid: .default), pixelsPerMeter: Double = 8) throws {
        guard pixelsPerMeter > 0, pixelsPerMeter.isFinite else {
            throw V2XError(.invalidArgument, "pixels per metre must be positive, got \(pixelsPerMeter)")
        }
        let w = (view.maxY - view.minY) * pixelsPerMeter, h = (view.maxX - view.minX) * pixelsPerMeter
        guard w >= 1, h >= 1, w <= Double(RasterCanvas.maxSide), h <= Double(RasterCanvas.maxSide) else {
            throw V2XError(.invalidArgument, String(format: "a %.0f×%.0f pixel picture is outside 1…%d a side", w, h, RasterCanvas.maxSide))
        }
        self.view = view
        self.pixelsPerMeter = pixelsPerMeter
    }

    /// Picture size in pixels.
    public var width: Int { Int(((view.maxY - view.minY) * pixelsPerMeter).rounded(.up)) }
    public var height: Int { Int(((view.maxX - view.minX) * pixelsPerMeter).rounded(.up)) }

    /// Maps a point of the ego frame (metres) to pixel coordinates.
    public func pixel(x: Double, y: Double) -> SIMD2<Double> {
        SIMD2((view.maxY - y) * pixelsPerMeter, (view.maxX - x) * pixelsPerMeter)
    }

    /// Renders a scene.
    public func render(_ scene: BEVScene) throws -> RasterCanvas {
        var canvas = try RasterCanvas(width: width, height: height, background: .night)
        if let heat = scene.heat { drawHeat(heat, on: &canvas) }
        drawRings(on: &canvas)
        for (i, agent) in scene.agents.enumerated() {
            let color = RGBA.agentPalette[i % RGBA.agentPalette.count].withAlpha(i == 0 ? 230 : 200)
            for k in 0..<agent.points.count {
                let p = pixel(x: Double(agent.points.x[k]), y: Double(agent.points.y[k]))
                canvas.drawDot(p, color)
            }
        }
        for box in scene.groundTruth { drawBox(box, color: .groundTruth, width: 2, on: &canvas) }
        for box in scene.detections {
            drawBox(box, color: .detection, width: 1.5, on: &canvas)
            if let score = box.score {
                canvas.drawText(String(format: "%.2f", score), at: pixel(x: box.x, y: box.y) + SIMD2(6, -3), .detection)
            }
        }
        for (i, agent) in scene.agents.enumerated() {
            drawAgent(agent, color: RGBA.agentPalette[i % RGBA.agentPalette.count], isEgo: i == 0, on: &canvas)
        }
        drawOverlay(title: scene.title, agents: scene.agents, on: &canvas)
        return canvas
    }

    private func drawHeat(_ heat: CellHeatLayer, on canvas: inout RasterCanvas) {
        let g = heat.grid
        for row in 0..<g.height {
            for column in 0..<g.width {
                let v = heat.values[row * g.width + column]
                guard v > 0 else { continue }
                let x0 = g.minX + Double(column) * g.cellSizeMeters, y0 = g.minY + Double(row) * g.cellSizeMeters
                let x1 = x0 + g.cellSizeMeters, y1 = y0 + g.cellSizeMeters
                let corners = [pixel(x: x0, y: y0), pixel(x: x1, y: y0), pixel(x: x1, y: y1), pixel(x: x0, y: y1)]
                canvas.fillPolygon(corners, RGBA.heat(Double(v)).withAlpha(150))
            }
        }
    }

    private func drawRings(on canvas: inout RasterCanvas) {
        for radius in [30.0, 50.0] {
            let steps = 180
            let ring = (0..<steps).map { k -> SIMD2<Double> in
                let a = Double(k) / Double(steps) * 2 * .pi
                return pixel(x: radius * cos(a), y: radius * sin(a))
            }
            canvas.strokePolygon(ring, RGBA(90, 90, 110, 160))
            canvas.drawText("\(Int(radius)) M", at: pixel(x: radius, y: 0) + SIMD2(3, 2), RGBA(120, 120, 140))
        }
    }

    private func drawBox(_ box: Box3D, color: RGBA, width: Double, on canvas: inout RasterCanvas) {
        let corners = box.bevCorners.map { pixel(x: $0.x, y: $0.y) }
        canvas.strokePolygon(corners, width: width, color)
        // Heading tick: centre to the middle of the front edge (corners 0 and 3).
        let front = (corners[0] + corners[3]) / 2
        canvas.drawLine(from: pixel(x: box.x, y: box.y), to: front, color)
    }

    private func drawAgent(_ agent: BEVScene.Agent, color: RGBA, isEgo: Bool, on canvas: inout RasterCanvas) {
        let t = agent.poseInEgo.translation
        let yaw = agent.poseInEgo.yaw
        let size = isEgo ? 3.0 : 2.5
        func at(_ forward: Double, _ left: Double) -> SIMD2<Double> {
            pixel(x: t.x + forward * cos(yaw) - left * sin(yaw), y: t.y + forward * sin(yaw) + left * cos(yaw))
        }
        let triangle = [at(size, 0), at(-size * 0.6, size * 0.6), at(-size * 0.6, -size * 0.6)]
        canvas.fillPolygon(triangle, color)
        canvas.strokePolygon(triangle, .black)
        let kind = agent.kind == .roadsideUnit ? " RSU" : ""
        canvas.drawText("\(isEgo ? "EGO " : "")\(agent.id)\(kind)", at: pixel(x: t.x, y: t.y) + SIMD2(10, 6), color)
    }

    private func drawOverlay(title: String, agents: [BEVScene.Agent], on canvas: inout RasterCanvas) {
        let entries: [(String, RGBA)] = [("GT", .groundTruth), ("DETECTION", .detection)]
            + agents.enumerated().map { ("AGENT \($1.id)", RGBA.agentPalette[$0 % RGBA.agentPalette.count]) }
        // Legend: four entries a row under the title; the backdrop covers just the text.
        var placed: [(name: String, color: RGBA, x: Int, y: Int)] = []
        var x = 6, y = 24, right = 6 + BitmapFont.width(of: title, scale: 2)
        for (i, (name, color)) in entries.enumerated() {
            if i > 0 && i % 4 == 0 { x = 6; y += 10 }
            placed.append((name, color, x, y))
            x += 11 + BitmapFont.width(of: name)
            right = max(right, x)
            x += 14
        }
        canvas.fillRect(x: 0, y: 0, width: right + 6, height: y + 12, RGBA(0, 0, 0, 160))
        canvas.drawText(title, x: 6, y: 4, scale: 2, .white)
        for entry in placed {
            canvas.fillRect(x: entry.x, y: entry.y, width: 8, height: 7, entry.color)
            canvas.drawText(entry.name, x: entry.x + 11, y: entry.y, .white)
        }
        // 10 m scale bar in the bottom-left corner.
        let bar = 10 * pixelsPerMeter
        let y0 = Double(canvas.height - 12)
        canvas.drawLine(from: SIMD2(8, y0), to: SIMD2(8 + bar, y0), width: 2, .white)
        canvas.drawText("10 M", x: Int(8 + bar) + 5, y: Int(y0) - 3, .white)
    }
}
