import V2XCore

/// Nearest-centroid search, vectorised over the centroids:
///
///     argmin_k ‖x − c_k‖² = argmin_k (‖c_k‖² − 2 x·c_k)      (‖x‖² is the same for every k)
///
/// With the centroids stored transposed in `SIMD16` chunks (`Layout`), the scores of 16
/// centroids for one vector are `dimension` SIMD multiply-adds.
///
/// Why not `Sgemm` (OpenBLAS): the products here are small (`k` = 8 channels per subspace),
/// and OpenBLAS wakes its worker threads for them; on a loaded 2-core machine that made a
/// 128 × 128 × 64 frame cost 5.2 ms to encode against 1.8 ms single-threaded. This kernel
/// never leaves the calling thread, so encoding cost does not depend on other work.
public enum NearestCode {
    /// Centroids laid out for `assign`: `dimension` rows of `count` values, padded to whole
    /// `SIMD16` lanes. Padding lanes get an infinite norm, so they never win.
    public struct Layout: Sendable, Equatable {
        public let count: Int
        public let dimension: Int
        /// `dimension × chunks` vectors: centroid `16·c + lane`, value j at `[j * chunks + c][lane]`.
        let columns: [SIMD16<Float>]
        /// `chunks` vectors of squared norms.
        let norms: [SIMD16<Float>]
        var chunks: Int { norms.count }

        /// - Parameter centroids: `count × dimension`, row-major.
        /// - Throws: `V2XError.shapeMismatch` when `centroids` is smaller than its shape.
        public init(centroids: [Float], count: Int, dimension: Int) throws {
            guard count >= 1, dimension >= 1, centroids.count >= count * dimension else {
                throw V2XError(.shapeMismatch, "\(centroids.count) values cannot hold \(count) centroids of \(dimension)")
            }
            self.count = count
            self.dimension = dimension
            let chunks = (count + 15) / 16
            var columns = [SIMD16<Float>](repeating: .zero, count: dimension * chunks)
            var norms = [SIMD16<Float>](repeating: SIMD16(repeating: .infinity), count: chunks)
            for k in 0..<count {
                var n: Float = 0
                for j in 0..<dimension {
                    let v = centroids[k * dimension + j]
                    columns[j * chunks + k / 16][k % 16] = v
                    n += v * v
                }
                norms[k / 16][k % 16] = n
            }
            self.columns = columns
            self.norms = norms
        }
    }

    /// The index of the nearest centroid for each of `count` vectors.
    ///
    /// Per vector: for each chunk of 16 centroids, `score = ‖c‖² − 2 Σ_j x_j c_j` in one
    /// SIMD16 register, keeping the running per-lane minimum and its index; ties go to
    /// the lowest centroid index.
    /// - Parameters:
    ///   - vectors: `count` vectors; vector i's j-th value is at `i * stride + offset + j`.
    ///   - layout: the centroids (see `Layout`).
    /// - Throws: `V2XError.shapeMismatch` when `vectors` is smaller than its shape.
    public static func assign(vectors: [Float], count: Int, stride: Int, offset: Int, layout: Layout) throws -> [UInt32] {
        let dimension = layout.dimension
        guard offset >= 0, offset + dimension <= stride, vectors.count >= count * stride else {
            throw V2XError(.shapeMismatch, "nearest code: \(count) vectors of stride \(stride) hold no \(dimension) values at \(offset)")
        }
        let chunks = layout.chunks
        var result = [UInt32](repeating: 0, count: count)
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        // Sizes were checked above and by Layout: every index stays inside its buffer.
        vectors.withUnsafeBufferPointer { x in
            layout.columns.withUnsafeBufferPointer { columns in
                layout.norms.withUnsafeBufferPointer { norms in
                    for i in 0..<count {
                        let base = i &* stride &+ offset
                        var bestScore = SIMD16<Float>(repeating: .infinity)
                        var bestIndex = SIMD16<Int32>(repeating: 0)
                        for c in 0..<chunks {
                            var score = norms[c]
                            for j in 0..<dimension {
                                score += SIMD16(repeating: -2 * x[base &+ j]) * columns[j &* chunks &+ c]
                            }
                            let better = score .< bestScore
                            bestScore.replace(with: score, where: better)
                            bestIndex.replace(with: lanes &+ Int32(c &* 16), where: better)
                        }
                        var best = bestIndex[0], value = bestScore[0]
                        for lane in 1..<16 where bestScore[lane] < value || (bestScore[lane] == value && bestIndex[lane] < best) {
                            best = bestIndex[lane]; value = bestScore[lane]
                        }
                        result[i] = UInt32(best)
                    }
                }
            }
        }
        return result
    }
}
