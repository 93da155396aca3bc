import V2XCore

/// Where2comm-style spatial selection (Hu et al. 2022): send only the cells where the
/// sender is confident something is, most confident first, within a byte budget.
///
/// 1. Smooth the confidence map with a 3×3 max filter (a cell next to a confident one is
///    kept too, so objects are not cut at their borders).
/// 2. Keep cells whose smoothed confidence is ≥ `threshold`.
/// 3. Sort by smoothed confidence, descending (ties: lower row-major index first).
/// 4. Take the longest prefix whose worst-case message size fits `budgetBytes`.
public struct CellSelector: Sendable, Equatable {
    /// Smoothed confidence a cell needs, in [0, 1].
    public var threshold: Float
    /// Largest message, in bytes, including envelope and signature.
    public var budgetBytes: Int

    /// The stack's default threshold (replay, sweep, launch files, fused-head training):
    /// chosen on the val split, where it cost the least AP against the dense map.
    public static let defaultThreshold: Float = 0.2
    /// The stack's default message budget.
    public static let defaultBudgetBytes = 4096

    /// - Throws: `V2XError.invalidArgument` for a threshold outside [0, 1] or a non-positive budget.
    public init(threshold: Float, budgetBytes: Int) throws {
        guard threshold >= 0, threshold <= 1, budgetBytes > 0 else {
            throw V2XError(.invalidArgument, "threshold must be in [0, 1] and the budget positive; got \(threshold), \(budgetBytes)")
        }
        self.threshold = threshold
        self.budgetBytes = budgetBytes
    }

    /// What was chosen.
    public struct Selection: Sendable, Equatable {
        /// Row-major cell indices, ascending.
        public var indices: [Int]
        /// Cells above the threshold (before the budget cut).
        public var candidateCount: Int
        /// Cells in the grid.
        public var cellCount: Int
        /// Fraction of the grid sent.
        public var fractionSent: Double { cellCount > 0 ? Double(indices.count) / Double(cellCount) : 0 }
    }

    /// 3×3 max filter of a `height × width` row-major map (borders use the cells that exist).
    public static func maxFilter3x3(_ map: [Float], height: Int, width: Int) -> [Float] {
        var horizontal = map
        for r in 0..<height {
            for c in 0..<width {
                var m = map[r * width + c]
                if c > 0 { m = max(m, map[r * width + c - 1]) }
                if c + 1 < width { m = max(m, map[r * width + c + 1]) }
                horizontal[r * width + c] = m
            }
        }
        var out = horizontal
        for r in 0..<height {
            for c in 0..<width {
                var m = horizontal[r * width + c]
                if r > 0 { m = max(m, horizontal[(r - 1) * width + c]) }
                if r + 1 < height { m = max(m, horizontal[(r + 1) * width + c]) }
                out[r * width + c] = m
            }
        }
        return out
    }

    /// Chooses cells.
    /// - Parameters:
    ///   - confidence: `height × width` row-major, values in [0, 1] (NaN counts as 0).
    ///   - bytesPerCell: wire bytes of one cell's codes and confidence, excluding its position.
    ///   - fixedOverheadBytes: bytes of everything else (header, pose, envelope, signature).
    /// - Throws: `V2XError.shapeMismatch` when the map is not `height × width`.
    public func select(
        confidence: [Float], height: Int, width: Int, bytesPerCell: Double, fixedOverheadBytes: Int
    ) throws -> Selection {
        guard height >= 0, width >= 0, confidence.count == height * width else {
            throw V2XError(.shapeMismatch, "confidence map of \(confidence.count) values for \(height)×\(width)")
        }
        let cellCount = height * width
        let smoothed = Self.maxFilter3x3(confidence.map { $0.isNaN ? 0 : $0 }, height: height, width: width)
        var candidates = (0..<cellCount).filter { smoothed[$0] >= threshold }
        candidates.sort { smoothed[$0] != smoothed[$1] ? smoothed[$0] > smoothed[$1] : $0 < $1 }
        // Largest k with overhead + k·bytesPerCell + worst-case positions(k) ≤ budget (monotone in k).
        func fits(_ k: Int) -> Bool {
            Double(fixedOverheadBytes) + Double(k) * bytesPerCell
                + Double(CellPositions.maximumByteCount(count: k, cellCount: cellCount)) <= Double(budgetBytes)
        }
        var low = 0, high = candidates.count
        if !fits(0) { high = 0 }
        while low < high {
            let mid = (low + high + 1) / 2
            if fits(mid) { low = mid } else { high = mid - 1 }
        }
        let chosen = Array(candidates.prefix(low)).sorted()
        return Selection(indices: chosen, candidateCount: candidates.count, cellCount: cellCount)
    }
}
