import Perception
import Testing
import V2XTestSupport

@Suite struct SgemmTests {
    /// Naive triple loop: the reference OpenBLAS must agree with.
    func naive(m: Int, n: Int, k: Int, a: [Float], ta: Bool, b: [Float], tb: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for p in 0..<k {
                    s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j])
                }
                c[i * n + j] = s
            }
        }
        return c
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveProduct(ta: Bool, tb: Bool) throws {
        var rng = SeededGenerator(seed: 7)
        let (m, n, k) = (37, 29, 53)
        let a = (0..<m * k).map { _ in Float.random(in: -1...1, using: &rng) }
        let b = (0..<k * n).map { _ in Float.random(in: -1...1, using: &rng) }
        var c = [Float](repeating: 0, count: m * n)
        try Sgemm.multiply(m: m, n: n, k: k, a: a, transposeA: ta, b: b, transposeB: tb, c: &c)
        let reference = naive(m: m, n: n, k: k, a: a, ta: ta, b: b, tb: tb)
        for i in c.indices { #expect(abs(c[i] - reference[i]) < 1e-4) }
    }

    @Test func undersizedArraysAreRejected() {
        var c = [Float](repeating: 0, count: 4)
        #expect(throws: Error.self) {
            try Sgemm.multiply(m: 2, n: 2, k: 3, a: [1, 2, 3], b: [1, 2, 3, 4, 5, 6], c: &c)
        }
    }
}
