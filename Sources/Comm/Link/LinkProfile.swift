import V2XCore

/// The impairments of one emulated radio link (sender → one receiver).
public struct LinkProfile: Sendable, Equatable {
    /// One-way propagation and processing delay, in seconds.
    public var delaySeconds: Double
    /// Extra delay drawn uniformly from [0, jitterSeconds] per message (may reorder).
    public var jitterSeconds: Double
    /// Probability in [0, 1] that a message is lost.
    public var lossProbability: Double
    /// Link rate in bit/s; nil is unlimited. Messages queue behind each other at this rate.
    public var bandwidthBitsPerSecond: Double?
    /// Longest a message may wait for the link before it is dropped (a bounded radio queue), seconds.
    public var maxQueueSeconds: Double

    /// A perfect link: no delay, loss or rate limit.
    public static let perfect = try! LinkProfile(delaySeconds: 0, jitterSeconds: 0, lossProbability: 0, bandwidthBitsPerSecond: nil, maxQueueSeconds: 1)

    /// - Throws: `V2XError.invalidArgument` for negative or non-finite times, a probability
    ///   outside [0, 1] or a non-positive rate.
    public init(delaySeconds: Double, jitterSeconds: Double, lossProbability: Double, bandwidthBitsPerSecond: Double?, maxQueueSeconds: Double) throws {
        guard delaySeconds >= 0, jitterSeconds >= 0, maxQueueSeconds >= 0,
              [delaySeconds, jitterSeconds, maxQueueSeconds].allSatisfy(\.isFinite) else {
            throw V2XError(.invalidArgument, "link delay, jitter and queue time must be finite and ≥ 0")
        }
        guard (0...1).contains(lossProbability) else {
            throw V2XError(.invalidArgument, "loss probability \(lossProbability) outside [0, 1]")
        }
        if let rate = bandwidthBitsPerSecond, !(rate > 0 && rate.isFinite) {
            throw V2XError(.invalidArgument, "bandwidth must be positive, got \(rate) bit/s")
        }
        self.delaySeconds = delaySeconds; self.jitterSeconds = jitterSeconds
        self.lossProbability = lossProbability; self.bandwidthBitsPerSecond = bandwidthBitsPerSecond
        self.maxQueueSeconds = maxQueueSeconds
    }
}
