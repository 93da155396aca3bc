import Comm
import CZeroMQ
import Testing
import V2XCore

@Suite struct AgentTransportTests {
    /// PUB/SUB has no delivery guarantee before a subscription has propagated (the "slow
    /// joiner"); probe until the first message arrives, bounded by a count, not by time.
    func waitForSubscription(_ pub: AgentPublisher, _ sub: AgentSubscriber) throws -> Bool {
        for _ in 0..<100 {
            try pub.publish([0xAA], now: Timestamp(nanoseconds: 0))
            if try sub.receive(timeoutMilliseconds: 50) != nil {
                while try sub.receive(timeoutMilliseconds: 10) != nil {}
                return true
            }
        }
        return false
    }

    @Test func framesReachOnlyTheAddressedPeerOverTCP() throws {
        let context = try ZMQContext()
        let pub = try AgentPublisher(context: context, agentID: "cav-1", bindTo: "tcp://127.0.0.1:*")
        #expect(pub.endpoint.hasPrefix("tcp://127.0.0.1:") && !pub.endpoint.hasSuffix(":*"))
        pub.addLink(to: "rsu-2")
        pub.addLink(to: "cav-3x")
        let rsu = try AgentSubscriber(context: context, agentID: "rsu-2")
        let cav3 = try AgentSubscriber(context: context, agentID: "cav-3")  // prefix of "cav-3x"
        try rsu.connect(to: pub.endpoint)
        try cav3.connect(to: pub.endpoint)
        #expect(try waitForSubscription(pub, rsu))
        let envelope = try CommFixtures.identity("cav-1").seal(CommFixtures.message())
        #expect(try pub.publish(envelope, now: CommFixtures.now) == 2)
        #expect(try rsu.receive(timeoutMilliseconds: 2000) == envelope)
        #expect(try cav3.receive(timeoutMilliseconds: 100) == nil, "the NUL after the id stops prefix matches")
    }

    @Test func emulatedDelayHoldsMessagesUntilDue() throws {
        let context = try ZMQContext()
        let pub = try AgentPublisher(context: context, agentID: "cav-1", bindTo: "inproc://v2x-delay-test")
        pub.addLink(to: "rsu-2", profile: try LinkProfile(delaySeconds: 0.05, jitterSeconds: 0, lossProbability: 0, bandwidthBitsPerSecond: nil, maxQueueSeconds: 1))
        let t0 = Timestamp(nanoseconds: 1_000_000_000)
        #expect(try pub.publish([1, 2, 3], now: t0) == 0)
        #expect(pub.nextDeliveryTime == Timestamp(nanoseconds: 1_050_000_000))
        #expect(try pub.pump(now: Timestamp(nanoseconds: 1_049_999_999)) == 0)
        #expect(try pub.pump(now: Timestamp(nanoseconds: 1_050_000_000)) == 1)
        #expect(pub.nextDeliveryTime == nil)
        #expect(pub.link(to: "rsu-2")?.profile.delaySeconds == 0.05)
        #expect(pub.link(to: "nobody") == nil)
    }

    @Test func aFloodIsBoundedByTheHighWaterMarks() throws {
        let context = try ZMQContext()
        let pub = try AgentPublisher(context: context, agentID: "attacker", bindTo: "inproc://v2x-flood-test")
        pub.addLink(to: "ego")
        let ego = try AgentSubscriber(context: context, agentID: "ego")
        try ego.connect(to: pub.endpoint)
        #expect(try waitForSubscription(pub, ego))
        let junk = [UInt8](repeating: 0x5A, count: 4096)
        for _ in 0..<5000 { try pub.publish(junk, now: Timestamp(nanoseconds: 0)) }
        var queued = 0
        while try ego.receive(timeoutMilliseconds: 0) != nil { queued += 1 }
        #expect(queued > 0)
        #expect(queued <= Int(AgentPublisher.sendHighWaterMark + AgentSubscriber.receiveHighWaterMark))
    }

    @Test func pendingEmulatedMessagesAreBounded() throws {
        let context = try ZMQContext()
        let pub = try AgentPublisher(context: context, agentID: "a", bindTo: "inproc://v2x-pending-test", maxPendingMessages: 10)
        pub.addLink(to: "b", profile: try LinkProfile(delaySeconds: 10, jitterSeconds: 0, lossProbability: 0, bandwidthBitsPerSecond: nil, maxQueueSeconds: 1))
        for _ in 0..<25 { try pub.publish([1], now: Timestamp(nanoseconds: 0)) }
        #expect(pub.pendingDropCount == 15)
    }
}
