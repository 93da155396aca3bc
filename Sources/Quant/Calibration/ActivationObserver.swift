import V2XCore

/// How a calibration run turns what it saw of an activation (an ``ActivationHistogram``)
/// into the real range `[lower, upper]` (`lower ≤ 0 ≤ upper`) its u8 quantization covers;
/// values outside saturate.
///
/// | method | range |
/// |---|---|
/// | `minmax` | the extremes seen: nothing saturates, rare outliers cost resolution |
/// | `percentile` | on each sign, the bin edge below which `percentile` % of the non-zero values of that sign lie |
/// | `entropy` | the KL-optimal threshold (``EntropyThreshold``) over 256 levels for a non-negative tensor (a ReLU output), over the magnitudes with 128 levels per side for a signed one |
///
/// Ranges never reach past the extremes seen.
public struct ActivationObserver: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The rule that picks the range.
    public enum Method: String, Sendable, Codable, CaseIterable {
        case minMax = "minmax"
        case percentile
        case entropy
    }

    public let method: Method
    /// For `.percentile`: the share of each sign's non-zero values kept inside the range, in
    /// percent, in `[50, 100]`; `nil` for the other methods.
    public let percentile: Double?

    /// The extremes seen.
    public static let minMax = ActivationObserver(unchecked: .minMax, percentile: nil)
    /// KL-divergence calibration.
    public static let entropy = ActivationObserver(unchecked: .entropy, percentile: nil)
    /// The percentile used when none is given: keeps all but one value in 10,000.
    public static let defaultPercentile = 99.99

    /// A percentile observer.
    /// - Throws: `V2XError.invalidArgument` for a share outside `[50, 100]` or not finite.
    public static func percentile(_ share: Double = defaultPercentile) throws -> ActivationObserver {
        guard share.isFinite, (50...100).contains(share) else {
            throw V2XError(.invalidArgument, "percentile must be in [50, 100], got \(share)")
        }
        return ActivationObserver(unchecked: .percentile, percentile: share)
    }

    private init(unchecked method: Method, percentile: Double?) {
        self.method = method
        self.percentile = percentile
    }

    /// A checked observer for a method (with ``defaultPercentile`` for `.percentile` unless given).
    /// - Throws: `V2XError.invalidArgument` for a percentile outside `[50, 100]` or one given
    ///   to a method that has none.
    public init(method: Method, percentile share: Double? = nil) throws {
        switch method {
        case .percentile: self = try .percentile(share ?? Self.defaultPercentile)
        case .minMax, .entropy:
            guard share == nil else { throw V2XError(.invalidArgument, "a percentile applies to the percentile observer only") }
            self.init(unchecked: method, percentile: nil)
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let method = try container.decode(Method.self, forKey: .method)
        let share = try container.decodeIfPresent(Double.self, forKey: .percentile)
        do { try self.init(method: method, percentile: share) } catch let error as V2XError {
            throw DecodingError.dataCorruptedError(forKey: .percentile, in: container, debugDescription: error.message)
        }
    }

    /// `minmax`, `entropy`, or `percentile 99.99`.
    public var description: String {
        percentile.map { "\(method.rawValue) \($0)" } ?? method.rawValue
    }

    /// The range to quantize over.
    /// - Throws: `V2XError.invalidArgument` when the histogram saw no finite value.
    public func range(of histogram: ActivationHistogram) throws -> (lower: Float, upper: Float) {
        guard histogram.count > 0 else {
            throw V2XError(.invalidArgument, "no finite activation values were observed; cannot calibrate")
        }
        let lowest = Swift.min(0, histogram.minimum), highest = Swift.max(0, histogram.maximum)
        let width = histogram.binWidth
        switch method {
        case .minMax:
            return (lowest, highest)
        case .percentile:
            let share = (percentile ?? Self.defaultPercentile) / 100
            let upper = Float(Self.binsBelow(share: share, of: histogram.positive)) * width
            let lower = Float(Self.binsBelow(share: share, of: histogram.negative)) * width
            return (Swift.max(lowest, 0 - lower), Swift.min(highest, upper))
        case .entropy:
            if histogram.negative.allSatisfy({ $0 == 0 }) {
                let bins = try EntropyThreshold.bins(histogram.positive, levels: 256)
                return (lowest, Swift.min(highest, Float(bins) * width))
            }
            let magnitudes = zip(histogram.positive, histogram.negative).map { $0 + $1 }
            let threshold = Float(try EntropyThreshold.bins(magnitudes, levels: 128)) * width
            return (Swift.max(lowest, 0 - threshold), Swift.min(highest, threshold))
        }
    }

    /// The fewest bins, counted from 0, that hold at least `share` of the counts (0 when empty).
    static func binsBelow(share: Double, of counts: [Int]) -> Int {
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let needed = share * Double(total)
        var cumulative = 0
        for (k, c) in counts.enumerated() {
            cumulative += c
            if Double(cumulative) >= needed { return k + 1 }
        }
        return counts.count
    }
}
