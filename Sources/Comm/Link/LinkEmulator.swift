import V2XCore

/// Decides when (or whether) each message on one emulated link arrives; deterministic for a seed.
///
/// ```
/// offered at t ─▶ lost? (p = loss) ─▶ wait for link: start = max(t, busyUntil)
///   start − t > maxQueue? drop ─▶ on air for bytes·8 / rate ─▶ + delay + U[0, jitter] ─▶ due
/// ```
/// The emulator only computes times; `AgentPublisher` holds the messages until they are due.
public struct LinkEmulator: Sendable, Equatable {
    public let profile: LinkProfile
    private var random: SplitMix64
    /// When the link finishes sending what is already queued, in ns.
    private var busyUntilNanoseconds: Int64 = .min
    /// Messages lost at random so far.
    public private(set) var lostCount = 0
    /// Messages dropped because the link's queue was full so far.
    public private(set) var queueDropCount = 0

    public init(profile: LinkProfile, seed: UInt64) {
        self.profile = profile
        random = SplitMix64(seed: seed)
    }

    /// Offers a message of `byteCount` bytes at `time`.
    /// - Returns: its delivery time, or nil when it is lost or dropped.
    public mutating func schedule(byteCount: Int, at time: Timestamp) -> Timestamp? {
        // Draw both numbers for every message so the loss pattern does not depend on sizes.
        let lossDraw = random.nextUnit()
        let jitterDraw = random.nextUnit()
        if lossDraw < profile.lossProbability {
            lostCount += 1
            return nil
        }
        var start = time.nanoseconds
        if let rate = profile.bandwidthBitsPerSecond {
            start = max(start, busyUntilNanoseconds)
            guard Double(start - time.nanoseconds) <= profile.maxQueueSeconds * 1e9 else {
                queueDropCount += 1
                return nil
            }
            busyUntilNanoseconds = start + Int64((Double(byteCount * 8) / rate * 1e9).rounded(.up))
            start = busyUntilNanoseconds
        }
        let delay = profile.delaySeconds + jitterDraw * profile.jitterSeconds
        return Timestamp(nanoseconds: start + Int64((delay * 1e9).rounded()))
    }
}
