import COpenBLAS
import V2XCore

/// Single-precision matrix product on OpenBLAS: `C = alpha · op(A) · op(B) + beta · C`,
/// all matrices row-major.
///
/// - `a`: `m × k` (or `k × m` when `transposeA`)
/// - `b`: `k × n` (or `n × k` when `transposeB`)
/// - `c`: `m × n`, read when `beta != 0`, overwritten
public enum Sgemm {
    /// Checks sizes, then calls `cblas_sgemm`.
    /// - Throws: `V2XError.shapeMismatch` when an array is smaller than its shape.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: [Float], transposeA: Bool = false,
        b: [Float], transposeB: Bool = false,
        c: inout [Float], alpha: Float = 1, beta: Float = 0
    ) throws {
        guard m >= 0, n >= 0, k >= 0 else {
            throw V2XError(.invalidArgument, "negative sgemm shape m \(m) n \(n) k \(k)")
        }
        guard a.count >= m * k, b.count >= k * n, c.count >= m * n else {
            throw V2XError(.shapeMismatch, "sgemm m \(m) n \(n) k \(k) needs A \(m * k), B \(k * n), C \(m * n); got \(a.count), \(b.count), \(c.count)")
        }
        if m == 0 || n == 0 { return }
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        // Sizes were checked above, so OpenBLAS reads and writes inside the arrays.
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(
                        CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k),
                        alpha, pa.baseAddress, Int32(max(1, lda)),
                        pb.baseAddress, Int32(max(1, ldb)),
                        beta, pc.baseAddress, Int32(max(1, n))
                    )
                }
            }
        }
    }

    /// `C = A · B + beta · C` on raw row-major storage, for inference loops that multiply
    /// into slices of a larger buffer: `a` is `m × k` with row stride `lda`, `b` is `k × n`
    /// (stride `n`), `c` is `m × n` (stride `n`).
    ///
    /// The caller guarantees that each pointer spans its matrix; nothing is checked here.
    static func multiplyUnchecked(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, beta: Float
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            1, a, Int32(max(1, lda)), b, Int32(max(1, n)),
            beta, c, Int32(max(1, n))
        )
    }
}
