import Comm
import CZeroMQ
import Testing

@Suite struct ZMQSocketTests {
    @Test func pairRoundTripOverInproc() throws {
        let context = try ZMQContext()
        let a = try ZMQSocket(context: context, kind: .pair)
        let b = try ZMQSocket(context: context, kind: .pair)
        try a.bind("inproc://v2x-pair-test")
        try b.connect("inproc://v2x-pair-test")
        let payload: [UInt8] = Array(0...255) + [7, 7, 7]
        try a.send(payload)
        #expect(try b.receive(timeoutMilliseconds: 2000) == payload)
        try b.send([1, 2, 3])
        #expect(try a.receive(timeoutMilliseconds: 2000) == [1, 2, 3])
    }

    @Test func receiveTimesOutWithNil() throws {
        let context = try ZMQContext()
        let a = try ZMQSocket(context: context, kind: .pair)
        try a.bind("inproc://v2x-timeout-test")
        #expect(try a.receive(timeoutMilliseconds: 10) == nil)
    }

    @Test func badEndpointIsATypedError() throws {
        let context = try ZMQContext()
        let a = try ZMQSocket(context: context, kind: .pair)
        #expect(throws: Error.self) { try a.bind("nonsense://x") }
    }
}
