import V2XCore

/// The pixels of a `height × width` map that may differ from its background: one code
/// vector that every other pixel holds (a BEV map away from the LiDAR returns). Row-major.
///
/// A convolution of such a map needs only the output pixels whose window reaches an active
/// pixel (or the padding, which holds other codes): every other window sees background alone
/// and gives the same output, the layer's background (``Int8ConvolutionLayer/forward(_:output:relu:active:background:isa:threads:)``).
public struct ActivePixels: Sendable, Equatable {
    public let height: Int
    public let width: Int
    /// `height · width` flags, row-major.
    public let mask: [Bool]

    /// - Throws: `V2XError.shapeMismatch` when `mask` does not hold `height · width` flags.
    public init(height: Int, width: Int, mask: [Bool]) throws {
        guard height >= 0, width >= 0, mask.count == height * width else {
            throw V2XError(.shapeMismatch, "\(mask.count) flags for a \(height)×\(width) map")
        }
        self.height = height; self.width = width; self.mask = mask
    }

    /// For masks built here, whose count is `height · width` by construction.
    private init(built mask: [Bool], height: Int, width: Int) {
        self.height = height; self.width = width; self.mask = mask
    }

    /// Active pixels.
    public var count: Int { mask.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Runs of consecutive active pixels in row-major order, as pixel indices `y · width + x`
    /// (a run may go on into the next row).
    public var runs: [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        while i < mask.count {
            guard mask[i] else { i += 1; continue }
            var end = i + 1
            while end < mask.count, mask[end] { end += 1 }
            out.append(i..<end)
            i = end
        }
        return out
    }

    /// The `outHeight × outWidth` outputs of a convolution (`kernel`, `stride`, `padding` on
    /// both sides) whose window reaches an active pixel or leaves the map.
    public func convolutionOutputs(kernel: Int, stride: Int, padding: Int, outHeight: Int, outWidth: Int) -> ActivePixels {
        // sums[(y)(width + 1) + x]: active pixels in rows < y, columns < x.
        var sums = [Int](repeating: 0, count: (height + 1) * (width + 1))
        for y in 0..<height {
            var row = 0
            for x in 0..<width {
                row += mask[y * width + x] ? 1 : 0
                sums[(y + 1) * (width + 1) + x + 1] = sums[y * (width + 1) + x + 1] + row
            }
        }
        var out = [Bool](repeating: false, count: outHeight * outWidth)
        for oy in 0..<outHeight {
            let y0 = oy * stride - padding, y1 = y0 + kernel
            for ox in 0..<outWidth {
                let x0 = ox * stride - padding, x1 = x0 + kernel
                if y0 < 0 || x0 < 0 || y1 > height || x1 > width {
                    out[oy * outWidth + ox] = true
                    continue
                }
                let inside = sums[y1 * (width + 1) + x1] - sums[y0 * (width + 1) + x1] - sums[y1 * (width + 1) + x0] + sums[y0 * (width + 1) + x0]
                out[oy * outWidth + ox] = inside > 0
            }
        }
        return ActivePixels(built: out, height: outHeight, width: outWidth)
    }
}
