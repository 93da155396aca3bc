import Perception
import V2XCore

/// Nearest-centroid search, vectorised as one matrix product per block of vectors:
///
///     argmin_k ‖x − c_k‖² = argmin_k (‖c_k‖² − 2 x·c_k)      (‖x‖² is the same for every k)
///
/// `x·c_k` for a block of rows comes from `Sgemm` (OpenBLAS), so encoding a frame costs
/// one `N × d × K` product instead of N·K scalar distance loops.
public enum NearestCode {
    /// Rows per product; bounds the scratch distance matrix to `blockRows × K` floats.
    public static let blockRows = 1024

    /// Squared norms of `count` centroids of `dimension` values each.
    public static func norms(_ centroids: [Float], count: Int, dimension: Int) -> [Float] {
        (0..<count).map { k in
            var s: Float = 0
            for j in 0..<dimension { let v = centroids[k * dimension + j]; s += v * v }
            return s
        }
    }

    /// The index of the nearest centroid for each of `count` contiguous vectors.
    /// - Parameters:
    ///   - vectors: `count × dimension`, row-major.
    ///   - centroids: `centroidCount × dimension`, row-major.
    ///   - centroidNorms: `norms(centroids, …)`, precomputed once per codebook.
    /// - Throws: `V2XError.shapeMismatch` when an array is smaller than its shape.
    public static func assign(
        vectors: [Float], count: Int, dimension: Int,
        centroids: [Float], centroidCount: Int, centroidNorms: [Float]
    ) throws -> [UInt32] {
        guard vectors.count >= count * dimension, centroids.count >= centroidCount * dimension,
              centroidNorms.count >= centroidCount, centroidCount >= 1 else {
            throw V2XError(.shapeMismatch, "nearest code: \(count)×\(dimension) vectors, \(centroidCount) centroids")
        }
        var result = [UInt32](repeating: 0, count: count)
        var dots = [Float](repeating: 0, count: min(blockRows, max(count, 1)) * centroidCount)
        var start = 0
        while start < count {
            let rows = min(blockRows, count - start)
            let block = Array(vectors[(start * dimension)..<((start + rows) * dimension)])
            try Sgemm.multiply(
                m: rows, n: centroidCount, k: dimension, a: block, b: centroids, transposeB: true,
                c: &dots, alpha: -2, beta: 0)
            for r in 0..<rows {
                var best = 0
                var bestDistance = Float.infinity
                let base = r * centroidCount
                for k in 0..<centroidCount {
                    let d = centroidNorms[k] + dots[base + k]
                    if d < bestDistance { bestDistance = d; best = k }
                }
                result[start + r] = UInt32(best)
            }
            start += rows
        }
        return result
    }
}
