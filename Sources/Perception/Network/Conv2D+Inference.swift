import V2XCore

extension Conv2D {
    /// im2col scratch per band of output rows, in floats: 2 MB, about one core's L2, so a
    /// band's columns are still in cache when sgemm reads them.
    public static let inferenceBandFloats = 1 << 19

    /// The layer's output for inference, rectified when `rectified`: `forward` (then `ReLU`)
    /// up to float rounding, without the whole column matrix that only `backward` needs.
    ///
    /// im2col runs on bands of output rows into one reused buffer; each band is multiplied
    /// straight into its rows of the output (bias preloaded), and rectified while it is in
    /// cache. A 1×1 stride-1 layer multiplies the input rows directly.
    /// - Parameter bandFloats: the band's size in floats (at least one output row).
    /// - Throws: `V2XError.shapeMismatch` when the input has the wrong channel count or is too small.
    public func infer(_ x: FeatureMap, rectified: Bool, bandFloats: Int = inferenceBandFloats) throws -> FeatureMap {
        guard x.channels == inChannels else {
            throw V2XError(.shapeMismatch, "convolution expects \(inChannels) input channels, got \(x.channels)")
        }
        let ho = outputSize(x.height), wo = outputSize(x.width)
        guard ho > 0, wo > 0 else {
            throw V2XError(.shapeMismatch, "input \(x.height)×\(x.width) is smaller than the \(kernel)×\(kernel) kernel")
        }
        let n = outChannels, k = columnsPerPixel
        let pointwise = kernel == 1 && stride == 1 && padding == 0
        let rowsPerBand = max(1, bandFloats / (wo * max(k, n)))
        var scratch = [Float](repeating: 0, count: pointwise ? 0 : min(ho, rowsPerBand) * wo * k)
        var y = [Float](unsafeUninitializedCapacity: ho * wo * n) { buffer, initialized in
            bias.withUnsafeBufferPointer { b in
                for cell in 0..<(ho * wo) { (buffer.baseAddress! + cell * n).initialize(from: b.baseAddress!, count: n) }
            }
            initialized = ho * wo * n
        }
        x.values.withUnsafeBufferPointer { src in
            weight.withUnsafeBufferPointer { w in
                scratch.withUnsafeMutableBufferPointer { columns in
                    y.withUnsafeMutableBufferPointer { out in
                        var firstRow = 0
                        while firstRow < ho {
                            let rows = min(rowsPerBand, ho - firstRow)
                            let a: UnsafePointer<Float>
                            if pointwise {
                                a = src.baseAddress! + firstRow * wo * k
                            } else {
                                fillColumns(x, src, rows: firstRow..<(firstRow + rows), outputWidth: wo, into: columns.baseAddress!)
                                a = UnsafePointer(columns.baseAddress!)
                            }
                            let c = out.baseAddress! + firstRow * wo * n
                            Sgemm.multiplyUnchecked(m: rows * wo, n: n, k: k, a: a, lda: k, b: w.baseAddress!, c: c, beta: 1)
                            if rectified {
                                for i in 0..<(rows * wo * n) where !(c[i] > 0) { c[i] = 0 }
                            }
                            firstRow += rows
                        }
                    }
                }
            }
        }
        return try FeatureMap(height: ho, width: wo, channels: n, values: y)
    }

    /// The im2col rows of output rows `rows` (band-relative, as `im2col` lays them out),
    /// zeros written where a tap falls in the padding. A kernel row that lies wholly inside
    /// the input is one copy: its taps are adjacent cells in both layouts.
    private func fillColumns(
        _ x: FeatureMap, _ src: UnsafeBufferPointer<Float>, rows: Range<Int>, outputWidth wo: Int,
        into columns: UnsafeMutablePointer<Float>
    ) {
        let cin = inChannels, k = columnsPerPixel, tapRow = kernel * cin
        for oy in rows {
            for ox in 0..<wo {
                let rowBase = columns + ((oy - rows.lowerBound) * wo + ox) * k
                let firstX = ox * stride - padding
                for ky in 0..<kernel {
                    let iy = oy * stride - padding + ky
                    let dst = rowBase + ky * tapRow
                    guard iy >= 0, iy < x.height else {
                        dst.update(repeating: 0, count: tapRow)
                        continue
                    }
                    let rowStart = src.baseAddress! + iy * x.width * cin
                    if firstX >= 0, firstX + kernel <= x.width {
                        dst.update(from: rowStart + firstX * cin, count: tapRow)
                        continue
                    }
                    for kx in 0..<kernel {
                        let ix = firstX + kx
                        if ix >= 0, ix < x.width {
                            (dst + kx * cin).update(from: rowStart + ix * cin, count: cin)
                        } else {
                            (dst + kx * cin).update(repeating: 0, count: cin)
                        }
                    }
                }
            }
        }
    }
}
