import Comm
import Testing
import V2XCore

@Suite struct LinkEmulatorTests {
    @Test func delayJitterAndLossAreDeterministicPerSeed() throws {
        let profile = try LinkProfile(delaySeconds: 0.02, jitterSeconds: 0.01, lossProbability: 0.2, bandwidthBitsPerSecond: nil, maxQueueSeconds: 1)
        func run(_ seed: UInt64) -> [Timestamp?] {
            var link = LinkEmulator(profile: profile, seed: seed)
            return (0..<2000).map { link.schedule(byteCount: 1000, at: Timestamp(nanoseconds: Int64($0) * 100_000_000)) }
        }
        let a = run(1)
        #expect(a == run(1))
        #expect(a != run(2))
        let lost = a.filter { $0 == nil }.count
        #expect((320...480).contains(lost), "about 20 % of 2000 lost, got \(lost)")
        for (i, t) in a.enumerated() {
            guard let t else { continue }
            let delay = t.nanoseconds - Int64(i) * 100_000_000
            #expect(delay >= 20_000_000 && delay <= 30_000_000)
        }
    }

    @Test func bandwidthSerializesAndTheQueueIsBounded() throws {
        // 1 Mbit/s: a 12 500-byte message takes 100 ms on air; the queue holds 250 ms.
        let profile = try LinkProfile(delaySeconds: 0, jitterSeconds: 0, lossProbability: 0, bandwidthBitsPerSecond: 1e6, maxQueueSeconds: 0.25)
        var link = LinkEmulator(profile: profile, seed: 0)
        let t0 = Timestamp(nanoseconds: 0)
        let due = (0..<5).map { _ in link.schedule(byteCount: 12_500, at: t0)?.nanoseconds }
        #expect(due == [100_000_000, 200_000_000, 300_000_000, nil, nil])
        #expect(link.queueDropCount == 2)
        #expect(throws: V2XError.self) { try LinkProfile(delaySeconds: -1, jitterSeconds: 0, lossProbability: 0, bandwidthBitsPerSecond: nil, maxQueueSeconds: 0) }
        #expect(throws: V2XError.self) { try LinkProfile(delaySeconds: 0, jitterSeconds: 0, lossProbability: 1.5, bandwidthBitsPerSecond: nil, maxQueueSeconds: 0) }
        #expect(throws: V2XError.self) { try LinkProfile(delaySeconds: 0, jitterSeconds: 0, lossProbability: 0, bandwidthBitsPerSecond: 0, maxQueueSeconds: 0) }
    }
}
