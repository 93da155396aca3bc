import V2XCore

extension PillarEncoder {
    /// Points per sgemm call in `infer`: 4096 × 32 activations are 512 KB, which stay in
    /// cache for the max that follows.
    public static let inferenceChunkPoints = 4096

    /// The scattered map of `forward` (the same values up to float rounding) for inference:
    /// the linear layer runs on chunks of points into one reused buffer, and neither the
    /// whole sweep's activations nor the argmax table that only `backward` needs are kept.
    /// - Parameter chunkPoints: points per sgemm call (at least 1).
    public func infer(_ pillars: Pillars, chunkPoints: Int = inferenceChunkPoints) -> FeatureMap {
        let n = pillars.pointCount, c = outChannels, f = Pillars.featureCount
        var map = FeatureMap(height: pillars.gridHeight, width: pillars.gridWidth, channels: c)
        guard n > 0 else { return map }
        let chunk = max(1, min(n, chunkPoints))
        var activations = [Float](repeating: 0, count: chunk * c)
        pillars.pointFeatures.withUnsafeBufferPointer { features in
            activations.withUnsafeMutableBufferPointer { act in
                map.values.withUnsafeMutableBufferPointer { out in
                    var start = 0
                    while start < n {
                        let count = min(chunk, n - start)
                        for i in 0..<count { (act.baseAddress! + i * c).update(from: bias, count: c) }
                        Sgemm.multiplyUnchecked(
                            m: count, n: c, k: f, a: features.baseAddress! + start * f, lda: f,
                            b: weight, c: act.baseAddress!, beta: 1
                        )
                        for i in 0..<count {
                            let base = Int(pillars.pillarCells[Int(pillars.pointPillar[start + i])]) * c
                            Self.raiseToMax(out.baseAddress! + base, act.baseAddress! + i * c, count: c)
                        }
                        start += count
                    }
                }
            }
        }
        return map
    }

    /// `target[j] = v[j]` wherever `v[j] > target[j]`, 16 lanes at a time. The map starts at
    /// 0, so the running result is max(0, max_i A) = max_i ReLU(A); NaN never wins, as in
    /// `forward`.
    private static func raiseToMax(_ target: UnsafeMutablePointer<Float>, _ values: UnsafePointer<Float>, count: Int) {
        var j = 0
        while j + 16 <= count {
            let t = UnsafeMutableRawPointer(target + j), v = UnsafeRawPointer(values + j)
            let current = t.loadUnaligned(as: SIMD16<Float>.self)
            let candidate = v.loadUnaligned(as: SIMD16<Float>.self)
            t.storeBytes(of: current.replacing(with: candidate, where: candidate .> current), as: SIMD16<Float>.self)
            j += 16
        }
        while j < count {
            if values[j] > target[j] { target[j] = values[j] }
            j += 1
        }
    }
}
