import V2XCore

/// k-means with k-means++ seeding (Arthur & Vassilvitskii 2007), deterministic given a seed.
public enum KMeans {
    /// Learns `clusters` centroids of `dimension` values from `count` row-major vectors.
    ///
    /// Seeding picks the first centroid uniformly, each next one with probability ∝ D(x)²
    /// (squared distance to the nearest centroid so far). Then `iterations` Lloyd steps;
    /// an emptied cluster is re-seeded with the vector farthest from its centroid.
    /// - Returns: `clusters × dimension` centroids, row-major.
    /// - Throws: `V2XError.invalidArgument` for fewer vectors than clusters or bad sizes,
    ///   `.nonFiniteValue` for NaN or infinite input.
    public static func train(
        vectors: [Float], count: Int, dimension: Int, clusters: Int, iterations: Int, seed: UInt64
    ) throws -> [Float] {
        guard dimension >= 1, clusters >= 1, iterations >= 0, count >= clusters, vectors.count == count * dimension else {
            throw V2XError(.invalidArgument, "k-means needs ≥ \(clusters) vectors of \(dimension) values; got \(vectors.count) values for \(count)")
        }
        guard vectors.allSatisfy(\.isFinite) else { throw V2XError(.nonFiniteValue, "k-means input holds NaN or infinity") }
        var rng = SplitMix64(seed: seed)
        func distance(_ i: Int, _ centroids: [Float], _ k: Int) -> Float {
            var s: Float = 0
            for j in 0..<dimension { let d = vectors[i * dimension + j] - centroids[k * dimension + j]; s += d * d }
            return s
        }
        // k-means++ seeding.
        var centroids = [Float](repeating: 0, count: clusters * dimension)
        let first = Int(rng.next() % UInt64(count))
        centroids.replaceSubrange(0..<dimension, with: vectors[(first * dimension)..<((first + 1) * dimension)])
        var nearest = (0..<count).map { distance($0, centroids, 0) }
        for k in 1..<max(clusters, 1) {
            let total = nearest.reduce(0.0) { $0 + Double($1) }
            var pick = count - 1
            if total > 0 {
                var target = rng.nextUnit() * total
                for i in 0..<count {
                    target -= Double(nearest[i])
                    if target < 0 { pick = i; break }
                }
            } else {
                pick = Int(rng.next() % UInt64(count))  // all points coincide with centroids
            }
            centroids.replaceSubrange((k * dimension)..<((k + 1) * dimension), with: vectors[(pick * dimension)..<((pick + 1) * dimension)])
            for i in 0..<count { nearest[i] = min(nearest[i], distance(i, centroids, k)) }
        }
        // Lloyd iterations.
        for _ in 0..<iterations {
            let labels = try NearestCode.assign(
                vectors: vectors, count: count, stride: dimension, offset: 0,
                layout: try NearestCode.Layout(centroids: centroids, count: clusters, dimension: dimension))
            var sums = [Double](repeating: 0, count: clusters * dimension)
            var sizes = [Int](repeating: 0, count: clusters)
            for i in 0..<count {
                let k = Int(labels[i])
                sizes[k] += 1
                for j in 0..<dimension { sums[k * dimension + j] += Double(vectors[i * dimension + j]) }
            }
            var changed = false
            for k in 0..<clusters {
                if sizes[k] == 0 {
                    // Re-seed with the vector worst served by its current centroid.
                    var worst = 0, worstDistance: Float = -1
                    for i in 0..<count {
                        let d = distance(i, centroids, Int(labels[i]))
                        if d > worstDistance { worstDistance = d; worst = i }
                    }
                    centroids.replaceSubrange((k * dimension)..<((k + 1) * dimension), with: vectors[(worst * dimension)..<((worst + 1) * dimension)])
                    changed = true
                    continue
                }
                for j in 0..<dimension {
                    let v = Float(sums[k * dimension + j] / Double(sizes[k]))
                    if v != centroids[k * dimension + j] { changed = true }
                    centroids[k * dimension + j] = v
                }
            }
            if !changed { break }
        }
        return centroids
    }
}
