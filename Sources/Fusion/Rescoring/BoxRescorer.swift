import Foundation
import V2XCore

/// A logistic model that scores the ego's final boxes from their evidence (`BoxEvidence`):
/// score = σ(w · features). Trained by `v2x train-rescorer` on replays of the train split, where
/// a box is positive when it overlaps a ground-truth object; stored as `rescorer.json` in the
/// model folder.
///
/// The fused head scores an object from one fused map, and an object only collaborators see
/// comes out of it (or is added from a collaborator's box) with a low score, below the fused
/// head's false positives. Which single maps found the object, whose returns lie on it and
/// whether the ego's own rays went through it tell them apart.
public struct BoxRescorer: Sendable, Equatable, Codable {
    /// The feature names the weights are for (`BoxEvidence.featureNames`).
    public var features: [String]
    public var weights: [Double]
    /// How the weights were obtained (command, samples), for the record.
    public var provenance: [String: String]

    /// The file name in a model folder.
    public static let fileName = "rescorer.json"

    /// - Throws: `V2XError.invalidArgument` when the names are not `BoxEvidence.featureNames`
    ///   or a weight is missing or not finite.
    public init(weights: [Double], provenance: [String: String] = [:]) throws {
        features = BoxEvidence.featureNames
        self.weights = weights
        self.provenance = provenance
        try validate()
    }

    /// - Throws: `V2XError.invalidArgument` when the features are not `BoxEvidence.featureNames`
    ///   or the weights do not match them or are not finite.
    public func validate() throws {
        guard features == BoxEvidence.featureNames else {
            throw V2XError(.invalidArgument, "rescorer features \(features) are not this build's \(BoxEvidence.featureNames)")
        }
        guard weights.count == features.count, weights.allSatisfy(\.isFinite) else {
            throw V2XError(.invalidArgument, "rescorer needs \(features.count) finite weights, got \(weights.count)")
        }
    }

    /// The rescored probability that the box is a real object.
    public func score(_ evidence: BoxEvidence) -> Double {
        let z = zip(weights, evidence.features).reduce(0) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-z))
    }

    /// Fits the weights by Newton's method on the L2-regularised log-loss (`ridge` on every
    /// weight but the bias).
    /// - Throws: `V2XError.invalidArgument` without both positive and negative samples or when
    ///   the Newton system is singular.
    public static func fit(_ samples: [(evidence: BoxEvidence, positive: Bool)], ridge: Double = 1, iterations: Int = 25,
                           provenance: [String: String] = [:]) throws -> BoxRescorer {
        let positives = samples.filter(\.positive).count
        guard positives > 0, positives < samples.count else {
            throw V2XError(.invalidArgument, "fitting a rescorer needs positive and negative boxes (\(positives) of \(samples.count) positive)")
        }
        let n = BoxEvidence.featureNames.count
        let rows = samples.map(\.evidence.features)
        var w = [Double](repeating: 0, count: n)
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: n)
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for (row, sample) in zip(rows, samples) {
                let p = 1 / (1 + exp(-zip(w, row).reduce(0) { $0 + $1.0 * $1.1 }))
                let residual = p - (sample.positive ? 1 : 0), curvature = max(p * (1 - p), 1e-9)
                for i in 0..<n {
                    gradient[i] += residual * row[i]
                    for j in 0...i { hessian[i][j] += curvature * row[i] * row[j] }
                }
            }
            for i in 0..<n {
                for j in 0..<i { hessian[j][i] = hessian[i][j] }
                if i > 0 { gradient[i] += ridge * w[i]; hessian[i][i] += ridge }
            }
            let step = try solve(hessian, gradient)
            for i in 0..<n { w[i] -= step[i] }
            if step.map(abs).max() ?? 0 < 1e-9 { break }
        }
        return try BoxRescorer(weights: w, provenance: provenance)
    }

    /// x with A·x = b (Gaussian elimination with partial pivoting).
    static func solve(_ a: [[Double]], _ b: [Double]) throws -> [Double] {
        var m = a, v = b
        let n = v.count
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            guard abs(m[pivot][col]) > 1e-12 else { throw V2XError(.invalidArgument, "the rescorer's Newton system is singular") }
            m.swapAt(col, pivot); v.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = m[row][col] / m[col][col]
                guard f != 0 else { continue }
                for k in col..<n { m[row][k] -= f * m[col][k] }
                v[row] -= f * v[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            let rest = ((row + 1)..<n).reduce(0) { $0 + m[row][$1] * x[$1] }
            x[row] = (v[row] - rest) / m[row][row]
        }
        return x
    }

    /// The rescorer in `directory` (a model folder), or nil when it has none.
    /// - Throws: `V2XError.ioFailure` when the file cannot be read, `.malformedData` when it
    ///   is not a rescorer, `.invalidArgument` when it does not fit this build's features.
    public static func load(from directory: URL) throws -> BoxRescorer? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw V2XError(.ioFailure, "cannot read \(url.path): \(error.localizedDescription)") }
        let rescorer: BoxRescorer
        do { rescorer = try JSONDecoder().decode(BoxRescorer.self, from: data) } catch {
            throw V2XError(.malformedData, "\(url.path) is not a box rescorer: \(error)")
        }
        try rescorer.validate()
        return rescorer
    }

    /// Writes `rescorer.json` into `directory`.
    /// - Throws: `V2XError.ioFailure` when it cannot be written.
    public func save(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write \(Self.fileName) to \(directory.path): \(error.localizedDescription)")
        }
    }
}
