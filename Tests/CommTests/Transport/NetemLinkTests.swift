import Comm
import Foundation
import Glibc
import Testing
import V2XCore

/// Two network namespaces joined by a veth pair, impaired on the sender's side: a real Linux
/// link between two "hosts" on one machine (iproute2). Needs root and netns support;
/// `isAvailable` probes for both so the test is skipped where CI forbids them.
///
/// The impairment is `tc netem` delay where the kernel has `sch_netem`; kernels without it
/// (seen here: "Specified qdisc kind is unknown") get a `tbf` rate cap instead.
final class NetemLab: @unchecked Sendable {
    let sender: String
    let receiver: String
    let senderAddress: String
    let receiverAddress: String
    let impairment: Impairment

    enum Impairment: Equatable {
        /// One-way delay in milliseconds.
        case netemDelay(milliseconds: Int)
        /// Rate cap in kbit/s with a bucket of `burstBytes`.
        case tokenBucket(kilobitsPerSecond: Int, burstBytes: Int)
    }

    /// Whether the kernel offers `sch_netem` (probed once in a scratch namespace).
    static let hasNetem: Bool = {
        let probe = "v2x-netem-\(getpid())"
        guard (try? run(["ip", "netns", "add", probe])) != nil else { return false }
        defer { _ = try? run(["ip", "netns", "del", probe]) }
        return (try? run(["ip", "netns", "exec", probe, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"])) != nil
    }()

    /// Whether this process may create network namespaces (root, iproute2, kernel support).
    static let isAvailable: Bool = {
        guard getuid() == 0 else { return false }
        let probe = "v2x-probe-\(getpid())"
        guard (try? run(["ip", "netns", "add", probe])) != nil else { return false }
        _ = try? run(["ip", "netns", "del", probe])
        return (try? run(["tc", "-V"])) != nil
    }()

    init(impairment: Impairment) throws {
        let id = Int(getpid()) % 100_000
        sender = "v2x-s-\(id)"
        receiver = "v2x-r-\(id)"
        let subnet = 16 + id % 200
        senderAddress = "10.213.\(subnet).1"
        receiverAddress = "10.213.\(subnet).2"
        self.impairment = impairment
        let (a, b) = ("v2xs\(id)", "v2xr\(id)")
        do {
            try Self.run(["ip", "netns", "add", sender])
            try Self.run(["ip", "netns", "add", receiver])
            try Self.run(["ip", "link", "add", a, "netns", sender, "type", "veth", "peer", "name", b, "netns", receiver])
            try Self.run(["ip", "-n", sender, "addr", "add", "\(senderAddress)/30", "dev", a])
            try Self.run(["ip", "-n", receiver, "addr", "add", "\(receiverAddress)/30", "dev", b])
            for (ns, dev) in [(sender, a), (receiver, b)] {
                try Self.run(["ip", "-n", ns, "link", "set", dev, "up"])
                try Self.run(["ip", "-n", ns, "link", "set", "lo", "up"])
            }
            switch impairment {
            case .netemDelay(let ms):
                try Self.run(["ip", "netns", "exec", sender, "tc", "qdisc", "add", "dev", a, "root", "netem", "delay", "\(ms)ms"])
            case .tokenBucket(let kbit, let burst):
                try Self.run(["ip", "netns", "exec", sender, "tc", "qdisc", "add", "dev", a, "root", "tbf",
                              "rate", "\(kbit)kbit", "burst", "\(burst)", "latency", "5s"])
            }
        } catch {
            tearDown()
            throw error
        }
    }

    func tearDown() {
        _ = try? Self.run(["ip", "netns", "del", sender])
        _ = try? Self.run(["ip", "netns", "del", receiver])
    }

    deinit { tearDown() }

    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw V2XError(.ioFailure, "\(arguments.joined(separator: " ")) failed: \(output)")
        }
        return output
    }

    /// Runs `body` on a new thread that has joined namespace `name` (namespaces are per
    /// thread on Linux; libzmq's I/O threads, started by the first socket of a context,
    /// inherit it), and returns its result.
    static func onThread<T: Sendable>(inNamespace name: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            let fd = open("/run/netns/\(name)", O_RDONLY)
            guard fd >= 0, let setns = NetemLab.setns, setns(fd, 0x4000_0000 /* CLONE_NEWNET */) == 0 else {
                box.result = .failure(V2XError(.ioFailure, "cannot join network namespace \(name)"))
                return
            }
            close(fd)
            box.result = Result { try body() }
        }
        thread.start()
        done.wait()
        guard let result = box.result else { throw V2XError(.ioFailure, "namespace thread produced nothing") }
        return try result.get()
    }

    /// glibc's `setns(2)`, looked up at run time: Glibc's module map hides it behind _GNU_SOURCE.
    static let setns: (@convention(c) (Int32, Int32) -> Int32)? = {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "setns") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }()

    final class ResultBox<T>: @unchecked Sendable {
        var result: Result<T, Error>?  // written by one thread before the semaphore, read after
    }
}

@Suite(.serialized) struct NetemLinkTests {
    @Test(.enabled(if: NetemLab.isAvailable, "needs root and network namespaces (ip netns, veth, tc); skipped here"))
    func signedMessagesCrossAnImpairedVethLink() throws {
        let impairment: NetemLab.Impairment = NetemLab.hasNetem
            ? .netemDelay(milliseconds: 40) : .tokenBucket(kilobitsPerSecond: 256, burstBytes: 4000)
        let lab = try NetemLab(impairment: impairment)
        defer { lab.tearDown() }
        let senderContext = try NetemLab.onThread(inNamespace: lab.sender) { try ZMQContext() }
        let receiverContext = try NetemLab.onThread(inNamespace: lab.receiver) { try ZMQContext() }
        let address = lab.senderAddress
        // Bind in the sender's namespace; the socket object is then used from this thread only
        // (libzmq does its networking on the context's I/O thread, which lives in that namespace).
        let publisher = try NetemLab.onThread(inNamespace: lab.sender) {
            NetemLab.ResultBoxed(try AgentPublisher(context: senderContext, agentID: "cav-1", bindTo: "tcp://\(address):*"))
        }.value
        publisher.addLink(to: "rsu-2")
        let endpoint = publisher.endpoint
        #expect(endpoint.hasPrefix("tcp://\(address):"))
        let subscriber = try NetemLab.onThread(inNamespace: lab.receiver) {
            let s = try AgentSubscriber(context: receiverContext, agentID: "rsu-2")
            try s.connect(to: endpoint)
            return NetemLab.ResultBoxed(s)
        }.value
        var gate = CommFixtures.gate(policy: .init(maxAgeSeconds: 30, maxFutureSeconds: 1))
        let identity = CommFixtures.identity("cav-1")
        // Wait (by count) until the subscription has crossed the link.
        var sequence: UInt64 = 0
        var joined = false
        for _ in 0..<100 where !joined {
            sequence += 1
            let t = Self.wallClock()
            try publisher.publish(try identity.seal(CommFixtures.message(sequence: sequence, time: t)), now: t)
            while let bytes = try subscriber.receive(timeoutMilliseconds: 200) {
                if case .accepted = gate.admit(bytes, now: Self.wallClock()) { joined = true }
            }
        }
        #expect(joined, "messages crossed the veth link between the namespaces")
        // A burst of full-grid messages (about 2.2 kB each).
        let start = Self.wallClock()
        var arrivals: [(sent: Timestamp, arrived: Timestamp, bytes: Int)] = []
        for _ in 0..<15 {
            sequence += 1
            let t = Self.wallClock()
            try publisher.publish(try identity.seal(CommFixtures.message(sequence: sequence, time: t, cells: Array(0..<1024))), now: t)
        }
        while arrivals.count < 15, let bytes = try subscriber.receive(timeoutMilliseconds: 3000) {
            let arrived = Self.wallClock()
            if case .accepted(let m) = gate.admit(bytes, now: arrived) { arrivals.append((m.sendTime, arrived, bytes.count)) }
        }
        #expect(arrivals.count == 15)
        #expect(gate.rejectedCount == 0)
        switch impairment {
        case .netemDelay(let ms):
            for a in arrivals { #expect(a.arrived.seconds(since: a.sent) >= Double(ms) / 1000, "netem adds \(ms) ms one way") }
        case .tokenBucket(let kbit, let burst):
            // Nothing can cross faster than the bucket allows: bytes − burst ≤ rate × time.
            guard let last = arrivals.last else { return }
            let elapsed = last.arrived.seconds(since: start)
            let bits = Double(arrivals.reduce(0) { $0 + $1.bytes } - burst) * 8
            #expect(bits <= Double(kbit) * 1000 * elapsed * 1.02, "\(bits) bit in \(elapsed) s exceeds \(kbit) kbit/s")
        }
    }

    static func wallClock() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}

extension NetemLab {
    /// Carries a socket object out of the namespace thread that created it.
    final class ResultBoxed<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
