import V2XCore

/// Several pictures tiled on one canvas, row by row, each shrunk by an integer factor
/// and captioned underneath.
public enum ContactSheet {
    /// - Parameters:
    ///   - pictures: the tiles (typically one BEV picture per frame), all drawn at the size
    ///     of the largest after shrinking.
    ///   - captions: one per picture (or empty for none).
    ///   - columns: tiles per row (≥ 1).
    ///   - shrink: each tile is downsampled by this factor (box filter, ≥ 1).
    /// - Throws: `V2XError.invalidArgument` for no pictures, bad counts or a sheet larger
    ///   than `RasterCanvas.maxSide`.
    public static func compose(_ pictures: [RasterCanvas], captions: [String] = [], columns: Int, shrink: Int = 1) throws -> RasterCanvas {
        guard !pictures.isEmpty else { throw V2XError(.invalidArgument, "a contact sheet needs at least one picture") }
        guard columns >= 1, shrink >= 1 else { throw V2XError(.invalidArgument, "columns and shrink must be ≥ 1") }
        guard captions.isEmpty || captions.count == pictures.count else {
            throw V2XError(.invalidArgument, "\(pictures.count) pictures but \(captions.count) captions")
        }
        let tiles = try pictures.map { try downsample($0, by: shrink) }
        let tileW = tiles.map(\.width).max() ?? 1, tileH = tiles.map(\.height).max() ?? 1
        let gap = 6, captionH = captions.isEmpty ? 0 : BitmapFont.lineHeight + 4
        let cols = min(columns, tiles.count), rows = (tiles.count + cols - 1) / cols
        var sheet = try RasterCanvas(
            width: gap + cols * (tileW + gap), height: gap + rows * (tileH + captionH + gap), background: RGBA(40, 40, 48)
        )
        for (i, tile) in tiles.enumerated() {
            let x = gap + (i % cols) * (tileW + gap), y = gap + (i / cols) * (tileH + captionH + gap)
            sheet.draw(tile, x: x, y: y)
            if !captions.isEmpty { sheet.drawText(captions[i], x: x, y: y + tileH + 3, .white) }
        }
        return sheet
    }

    /// Averages each `factor × factor` block into one pixel (edge blocks average what exists).
    public static func downsample(_ canvas: RasterCanvas, by factor: Int) throws -> RasterCanvas {
        guard factor > 1 else { return canvas }
        let w = (canvas.width + factor - 1) / factor, h = (canvas.height + factor - 1) / factor
        var out = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            for x in 0..<w {
                var sum = SIMD4<Int>(repeating: 0)
                var n = 0
                for sy in (y * factor)..<min(canvas.height, (y + 1) * factor) {
                    for sx in (x * factor)..<min(canvas.width, (x + 1) * factor) {
                        let i = 4 * (sy * canvas.width + sx)
                        sum &+= SIMD4(Int(canvas.pixels[i]), Int(canvas.pixels[i + 1]), Int(canvas.pixels[i + 2]), Int(canvas.pixels[i + 3]))
                        n += 1
                    }
                }
                for c in 0..<4 { out[4 * (y * w + x) + c] = UInt8((sum[c] + n / 2) / n) }
            }
        }
        return try RasterCanvas(width: w, height: h, pixels: out)
    }
}
