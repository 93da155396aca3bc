import ArgumentParser
import Comm
import Foundation
import V2XCore

/// `v2x bench comm`: message size, compression, codec and signing cost, ZeroMQ loopback
/// latency for 5 agents at 10 Hz, and optionally a fuzz run and a flood with memory measured.
///
/// The feature maps are synthetic (the trained encoder is not merged yet), shaped like the
/// detector's backbone output: 128 × 128 cells (the 256 × 256, 0.4 m grid after a stride-2
/// backbone, i.e. 0.8 m cells over ±51.2 m) × 64 channels, fp32.
struct BenchComm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comm",
        abstract: "Comm figures: bytes/message, compression, encode+sign and verify+decode time, ZeroMQ latency; fuzz and flood."
    )

    @Option(help: "Cells per side of the synthetic feature map.")
    var gridCells = 128

    @Option(help: "Channels per cell.")
    var channels = 64

    @Option(help: "Message byte budget (envelope and signature included).")
    var budgetBytes = 8192

    @Option(help: "Smoothed confidence a cell needs to be a candidate.")
    var threshold: Float = 0.3

    @Option(help: "Product-quantization books (codes per cell, one per channel slice).")
    var books = 8

    @Option(help: "Codes per book (256 → 8-bit codes).")
    var codes = 256

    @Option(help: "Frames timed for the codec figures.")
    var frames = 40

    @Option(help: "Seconds of 5-agent 10 Hz traffic for the latency figures (0 skips).")
    var seconds = 5.0

    @Option(help: "Hostile inputs to run through the receiver's gate (0 skips).")
    var fuzz = 0

    @Option(help: "Messages to flood one receiver with over ZeroMQ (0 skips).")
    var flood = 0

    func validate() throws {
        guard gridCells >= 8, gridCells <= 512 else { throw ValidationError("--grid-cells must be 8…512") }
        guard channels >= 1, books >= 1, channels % books == 0 else { throw ValidationError("--books must divide --channels") }
        guard codes >= 2, codes <= 65536 else { throw ValidationError("--codes must be 2…65536") }
        guard frames >= 1, seconds >= 0, fuzz >= 0, flood >= 0, budgetBytes > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() throws {
        let cellSize = 102.4 / Double(gridCells)
        let grid = try BEVGrid(minX: -51.2, maxX: 51.2, minY: -51.2, maxY: 51.2, cellSizeMeters: cellSize)
        let scene = SyntheticBEV(gridCells: gridCells, channels: channels)
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(load)")
        print("synthetic BEV features \(gridCells)×\(gridCells) cells × \(channels) channels fp32 (\(String(format: "%.2f", cellSize)) m cells), budget \(budgetBytes) B, threshold \(threshold)")

        // Codebook learnt on frames that are never measured.
        let trainClock = ContinuousClock()
        var codebook: FeatureCodebook?
        let trainTime = try trainClock.measure {
            var vectors: [Float] = []
            for seed in 1000..<1004 as Range<UInt64> {
                let (map, confidence) = scene.frame(seed: seed)
                // Train on the cells a sender would consider sending, plus some background.
                for cell in 0..<(gridCells * gridCells) where confidence[cell] >= 0.1 || cell % 97 == 0 {
                    vectors += map.values[(cell * channels)..<((cell + 1) * channels)]
                }
            }
            codebook = try FeatureCodebook.train(
                id: "synthetic-pq\(books)x\(codes)", modelID: "synthetic", vectors: vectors, count: vectors.count / channels,
                channels: channels, codesPerCell: books, codesPerBook: codes, iterations: 15, seed: 1)
        }
        guard let codebook else { throw V2XError(.invalidArgument, "codebook training produced nothing") }
        print("codebook: \(books) books × \(codes) codes (\(codebook.codeBits) bits), trained in \(fmt(trainTime.seconds, 1)) s")

        // Codec figures.
        let keys = try LaunchKeys.generate(agentIDs: (1...5).map { "agent-\($0)" })
        let identity = keys.identities[0]
        let encoder = try BEVMessageEncoder(
            codebook: codebook, selector: CellSelector(threshold: threshold, budgetBytes: budgetBytes),
            identity: identity, grid: grid, agentKind: .vehicle)
        var gate = try MessageGate(keyring: keys.keyring, policy: .init(maxAgeSeconds: 1e9, maxFutureSeconds: 1e9, acceptedCodebookHashes: [codebook.hash]))
        var encodeSeconds: [Double] = [], verifySeconds: [Double] = []
        var encodeCPUSeconds: [Double] = [], verifyCPUSeconds: [Double] = []
        var sizes: [Int] = [], fractions: [Double] = [], relativeErrors: [Double] = []
        var corpus: [[UInt8]] = []
        let clock = ContinuousClock()
        for f in 0..<frames {
            let (map, confidence) = scene.frame(seed: UInt64(f))
            let frame = BEVMessageEncoder.Frame(
                sequence: UInt64(f + 1), captureTime: Timestamp(nanoseconds: Int64(f) * 100_000_000),
                sendTime: Timestamp(nanoseconds: Int64(f) * 100_000_000 + 20_000_000), pose: Pose(x: 1, y: 2, z: 1.8, yaw: 0.3),
                poseCovarianceUpper: [Float](repeating: 0.01, count: 21))
            var output: BEVMessageEncoder.Output?
            let cpu0 = threadCPUSeconds()
            encodeSeconds.append(try clock.measure { output = try encoder.encode(features: map, confidence: confidence, frame: frame) }.seconds)
            encodeCPUSeconds.append(threadCPUSeconds() - cpu0)
            guard let output else { continue }
            var decoded: FeatureMap?
            var verdict: MessageGate.Verdict?
            let cpu1 = threadCPUSeconds()
            verifySeconds.append(try clock.measure {
                verdict = gate.admit(output.bytes, now: frame.sendTime)
                if case .accepted(let m) = verdict { decoded = try m.decodeFeatures(with: codebook).features }
            }.seconds)
            verifyCPUSeconds.append(threadCPUSeconds() - cpu1)
            guard let decoded else { throw V2XError(.rejectedMessage, "own message rejected: \(String(describing: verdict))") }
            sizes.append(output.bytes.count)
            fractions.append(output.selection.fractionSent)
            var error = 0.0, energy = 0.0
            for cell in output.selection.indices {
                for k in (cell * channels)..<((cell + 1) * channels) {
                    let d = Double(decoded.values[k] - map.values[k])
                    error += d * d; energy += Double(map.values[k]) * Double(map.values[k])
                }
            }
            relativeErrors.append(energy > 0 ? error / energy : 0)
            corpus.append(output.bytes)
        }
        let meanBytes = Double(sizes.reduce(0, +)) / Double(sizes.count)
        let denseBytes = Double(gridCells * gridCells * channels * 4)
        let meanFraction = fractions.reduce(0, +) / Double(fractions.count)
        let sparseFP32 = meanFraction * Double(gridCells * gridCells) * Double(channels * 4 + 4)
        print("\n== message (mean over \(frames) frames) ==")
        print("bytes/message            \(fmt(meanBytes, 0))  (max \(sizes.max() ?? 0), budget \(budgetBytes))")
        print("log2(bytes)              \(fmt(log2(meanBytes), 2))")
        print("cells sent               \(fmt(meanFraction * 100, 2)) % of \(gridCells * gridCells)")
        print("compression vs dense fp32 map (\(Int(denseBytes)) B): \(fmt(denseBytes / meanBytes, 0))×")
        print("compression vs the same cells as fp32 + index: \(fmt(sparseFP32 / meanBytes, 1))×")
        print("relative MSE of sent cells \(fmt(relativeErrors.reduce(0, +) / Double(relativeErrors.count), 4))")
        print("volume at 10 Hz          \(fmt(meanBytes * 8 * 10 / 1e6, 3)) Mbit/s per agent, \(fmt(meanBytes * 8 * 10 * 20 / 1e6, 2)) Mbit/s for 5 agents all-to-all (20 links)")
        print("\n== codec time per message: wall median / p99, and this thread's CPU time median (wall includes waiting for a core) ==")
        print("select+encode+sign       \(ms(percentile(encodeSeconds, 50))) / \(ms(percentile(encodeSeconds, 99))) ms wall, \(ms(percentile(encodeCPUSeconds, 50))) ms CPU  (target ≤ 2 ms)")
        print("verify+parse+decode      \(ms(percentile(verifySeconds, 50))) / \(ms(percentile(verifySeconds, 99))) ms wall, \(ms(percentile(verifyCPUSeconds, 50))) ms CPU  (target ≤ 2 ms)")

        if seconds > 0 { try runLatency(keys: keys, encoder: encoder, codebook: codebook, scene: scene, grid: grid) }
        if fuzz > 0 { try runFuzz(keys: keys, corpus: corpus) }
        if flood > 0 { try runFlood(keys: keys, corpus: corpus) }
    }

    // MARK: ZeroMQ loopback, 5 agents at 10 Hz

    private func runLatency(keys: LaunchKeys, encoder: BEVMessageEncoder, codebook: FeatureCodebook, scene: SyntheticBEV, grid: BEVGrid) throws {
        // One context (one libzmq I/O thread) per agent, as when each agent is its own
        // `v2x node` process; a shared context would push all 20 links through one thread.
        let ids = keys.identities.map(\.agentID)
        let contexts = try ids.map { _ in try ZMQContext() }
        let publishers = try ids.indices.map { try AgentPublisher(context: contexts[$0], agentID: ids[$0], bindTo: "tcp://127.0.0.1:*") }
        for p in publishers { for peer in ids where peer != p.agentID { p.addLink(to: peer) } }
        let endpoints = publishers.map(\.endpoint)
        let record = LatencyRecord()
        let stop = Flag()
        var threads: [Thread] = []
        let ready = DispatchSemaphore(value: 0)
        let maxAge = seconds + 30
        for (i, id) in ids.enumerated() {
            let keyring = keys.keyring
            let peers = endpoints.enumerated().filter { $0.offset != i }.map(\.element)
            let context = contexts[i]
            let thread = Thread {
                do {
                    let sub = try AgentSubscriber(context: context, agentID: id)
                    for e in peers { try sub.connect(to: e) }
                    ready.signal()
                    // Only stamp and keep frames while traffic runs, so that this thread is
                    // ready for the next frame at once; verification comes after (its cost
                    // is the codec figure above, not transport).
                    var frames: [(bytes: [UInt8], arrived: Timestamp)] = []
                    while !stop.isSet {
                        guard let bytes = try sub.receive(timeoutMilliseconds: 50) else { continue }
                        frames.append((bytes, wallClock()))
                    }
                    var gate = try MessageGate(keyring: keyring, policy: .init(maxAgeSeconds: maxAge, maxFutureSeconds: 1))
                    for (bytes, arrived) in frames {
                        if case .accepted(let m) = gate.admit(bytes, now: arrived) {
                            record.arrived(agent: m.agentID, sequence: m.sequence, at: arrived, bytes: bytes.count)
                        }
                    }
                    record.addRejections(gate.rejectedCount)
                } catch {
                    record.fail("\(error)")
                }
            }
            thread.start()
            threads.append(thread)
        }
        for _ in ids { ready.wait() }
        // Slow joiners: probe until every subscription has reached every publisher.
        for _ in 0..<20 {
            for p in publishers { try p.publish([0], now: wallClock()) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Each agent's frames are encoded and signed before the run (one per agent and tick),
        // so that in this one-process emulation the senders' codec work does not take the
        // cores from the receivers; the codec cost is the figure above.
        let senders = try keys.identities.map { identity in
            try BEVMessageEncoder(codebook: codebook, selector: encoder.selector, identity: identity, grid: grid, agentKind: .vehicle)
        }
        let maps = (0..<5).map { scene.frame(seed: UInt64(500 + $0)) }
        let ticks = Int(seconds * 10)
        let prepared = try senders.enumerated().map { i, sender in
            try (0..<ticks).map { tick in
                let t = wallClock()
                let frame = BEVMessageEncoder.Frame(sequence: UInt64(tick + 1), captureTime: t, sendTime: t, pose: .identity)
                return try sender.encode(features: maps[i].0, confidence: maps[i].1, frame: frame).bytes
            }
        }
        let start = wallClock()
        for tick in 0..<ticks {
            let due = start.nanoseconds + Int64(tick) * 100_000_000
            let now = wallClock().nanoseconds
            if due > now { Thread.sleep(forTimeInterval: Double(due - now) / 1e9) }
            for (i, sender) in senders.enumerated() {
                record.sent(agent: sender.identity.agentID, sequence: UInt64(tick + 1), at: wallClock())
                try publishers[i].publish(prepared[i][tick], now: wallClock())
            }
        }
        Thread.sleep(forTimeInterval: 0.3)
        stop.set()
        while threads.contains(where: { !$0.isFinished }) { Thread.sleep(forTimeInterval: 0.01) }
        let summary = record.summary()
        if let failure = summary.failure { throw V2XError(.transportFailure, failure) }
        let expected = ticks * 5 * 4
        print("\n== ZeroMQ loopback: 5 agents, 10 Hz, each to 4 peers over tcp://127.0.0.1, \(fmt(seconds, 1)) s ==")
        print("delivered                \(summary.latencies.count) of \(expected) (\(summary.rejected) rejected: the [0] probes of the warm-up)")
        print("latency publish→receive  p50 \(ms(percentile(summary.latencies, 50))) ms, p99 \(ms(percentile(summary.latencies, 99))) ms, max \(ms(summary.latencies.max() ?? 0)) ms  (target p99 ≤ 1 ms)")
        print("sustained                \(fmt(Double(summary.latencies.count) / seconds, 1)) messages/s, \(fmt(Double(summary.bytes) * 8 / seconds / 1e6, 2)) Mbit/s received in all")

        // Sustained rate without pacing: one publisher blasting one subscriber.
        let blastPub = try AgentPublisher(context: contexts[0], agentID: "blaster", bindTo: "tcp://127.0.0.1:*")
        blastPub.addLink(to: "sink")
        let sink = try AgentSubscriber(context: contexts[1], agentID: "sink")
        try sink.connect(to: blastPub.endpoint)
        for _ in 0..<100 {
            try blastPub.publish([0], now: wallClock())
            if try sink.receive(timeoutMilliseconds: 20) != nil { break }
        }
        while try sink.receive(timeoutMilliseconds: 20) != nil {}
        let payload = prepared[0][0]
        let counter = HitCounter()
        let done = Flag()
        let sinkHandoff = Handoff(sink)
        let receiver = Thread {
            while !done.isSet || counter.idle < 5 {
                if (try? sinkHandoff.value.receive(timeoutMilliseconds: 20)) != nil { counter.hit() } else { counter.miss() }
            }
        }
        receiver.start()
        let blastCount = 20_000
        let t0 = wallClock()
        for _ in 0..<blastCount { try blastPub.publish(payload, now: t0) }
        let t1 = wallClock()
        done.set()
        while !receiver.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        let elapsed = max(1e-9, counter.lastHit.seconds(since: t0))
        print("unpaced one-to-one       sent \(blastCount) × \(payload.count) B in \(ms(t1.seconds(since: t0))) ms; received \(counter.hits) (rest dropped at the HWM) at \(fmt(Double(counter.hits) / elapsed, 0)) messages/s, \(fmt(Double(counter.hits * payload.count) * 8 / elapsed / 1e6, 0)) Mbit/s")
    }

    // MARK: Fuzz and flood

    private func runFuzz(keys: LaunchKeys, corpus: [[UInt8]]) throws {
        var gate = try MessageGate(keyring: keys.keyring, policy: .init(maxAgeSeconds: 1e9, maxFutureSeconds: 1e9))
        var mutator = MessageMutator(corpus: corpus, signer: keys.identities[0], oversizedBytes: MessageLimits.standard.maxMessageBytes + 1, seed: 99)
        let rssBefore = ResidentMemory.current()
        let clock = ContinuousClock()
        var rssMid = 0
        let elapsed = clock.measure {
            for i in 0..<fuzz {
                _ = gate.admit(mutator.next(), now: Timestamp(nanoseconds: 1_000_000_000))
                if i == fuzz / 10 { rssMid = ResidentMemory.current() }
            }
        }
        let rssAfter = ResidentMemory.current()
        print("\n== fuzz: \(fuzz) hostile inputs through the gate in \(fmt(elapsed.seconds, 1)) s (\(fmt(Double(fuzz) / elapsed.seconds, 0))/s) ==")
        print("accepted \(gate.acceptedCount), rejected \(gate.rejectedCount) (sum \(gate.acceptedCount + gate.rejectedCount))")
        for reason in RejectionReason.allCases where gate.rejections[reason, default: 0] > 0 {
            print("  \(reason.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(gate.rejections[reason, default: 0])")
        }
        print("RSS \(rssBefore / 1024) KiB before, \(rssMid / 1024) KiB after 10 %, \(rssAfter / 1024) KiB after all")
        guard gate.acceptedCount + gate.rejectedCount == fuzz else { throw V2XError(.malformedData, "fuzz inputs not all counted") }
    }

    private func runFlood(keys: LaunchKeys, corpus: [[UInt8]]) throws {
        let context = try ZMQContext()
        let attacker = try AgentPublisher(context: context, agentID: "attacker", bindTo: "tcp://127.0.0.1:*")
        attacker.addLink(to: "ego")
        let ego = try AgentSubscriber(context: context, agentID: "ego")
        try ego.connect(to: attacker.endpoint)
        for _ in 0..<100 {
            try attacker.publish([0], now: wallClock())
            if try ego.receive(timeoutMilliseconds: 20) != nil { break }
        }
        while try ego.receive(timeoutMilliseconds: 20) != nil {}
        let limit = MessageLimits.standard.maxMessageBytes
        var gate = try MessageGate(keyring: keys.keyring, policy: .init(maxAgeSeconds: 1e9, maxFutureSeconds: 1e9))
        var mutator = MessageMutator(corpus: corpus, signer: nil, oversizedBytes: limit + 1, seed: 7)
        // Frames within the size limit (oversized ones are phase 3: libzmq disconnects on them).
        func junk() -> [UInt8] {
            while true { let b = mutator.next(); if b.count <= limit { return b } }
        }
        let rssBefore = ResidentMemory.current()
        // Phase 1: the receiver is stalled while the whole flood is offered.
        for _ in 0..<flood { try attacker.publish(junk(), now: wallClock()) }
        let rssStalled = ResidentMemory.current()
        var queued = 0
        while let bytes = try ego.receive(timeoutMilliseconds: 100) {
            queued += 1
            _ = gate.admit(bytes, now: wallClock())
        }
        // Phase 2: the receiver drains (and checks) in its own thread while the flood is offered again.
        let drained = HitCounter()
        let done = Flag()
        let keyring = keys.keyring
        let egoHandoff = Handoff(ego)
        let accepted = Flag()
        let sinkThread = Thread {
            var g = try? MessageGate(keyring: keyring, policy: .init(maxAgeSeconds: 1e9, maxFutureSeconds: 1e9))
            while !done.isSet || drained.idle < 5 {
                guard let b = try? egoHandoff.value.receive(timeoutMilliseconds: 20) else { drained.miss(); continue }
                if case .accepted = g?.admit(b, now: wallClock()) { accepted.set() }
                drained.hit()
            }
        }
        sinkThread.start()
        let t0 = wallClock()
        for _ in 0..<flood { try attacker.publish(junk(), now: wallClock()) }
        let offerSeconds = wallClock().seconds(since: t0)
        done.set()
        while !sinkThread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        let rssDrained = ResidentMemory.current()
        // Phase 3: oversized frames; the subscriber's ZMQ_MAXMSGSIZE drops the connection
        // when a frame's header announces more, before any of it is buffered.
        let oversized = [UInt8](repeating: 0x41, count: 4 * limit)
        for _ in 0..<50 { try attacker.publish(oversized, now: wallClock()) }
        var oversizedReceived = 0
        while try ego.receive(timeoutMilliseconds: 200) != nil { oversizedReceived += 1 }
        let rssAfter = ResidentMemory.current()
        print("\n== flood: \(flood) hostile frames (mutations, ≤ \(limit) B) over tcp://127.0.0.1, twice; then 50 × \(4 * limit) B ==")
        print("stalled receiver  \(queued) frames queued when it woke (HWM \(AgentPublisher.sendHighWaterMark) + \(AgentSubscriber.receiveHighWaterMark) messages, plus kernel socket buffers); accepted \(gate.acceptedCount)")
        print("draining receiver read and checked \(drained.hits) of \(flood) offered in \(fmt(offerSeconds * 1e3, 1)) ms (the rest dropped at the HWM); accepted any: \(accepted.isSet)")
        print("oversized frames  \(oversizedReceived) of 50 delivered")
        print("RSS \(rssBefore / 1024) KiB before, \(rssStalled / 1024) KiB stalled, \(rssDrained / 1024) KiB after draining, \(rssAfter / 1024) KiB after oversized; peak \(ResidentMemory.peak() / 1024) KiB")
    }

    // MARK: Helpers

    private func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
    private func ms(_ seconds: Double) -> String { String(format: "%.3f", seconds * 1e3) }
    private func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((p / 100 * Double(sorted.count - 1)).rounded()))]
    }
}

/// The current wall-clock time (CLOCK_REALTIME), as message times are.
private func wallClock() -> Timestamp {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Timestamp(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
}

/// CPU time consumed by the calling thread (CLOCK_THREAD_CPUTIME_ID), in seconds.
private func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

private extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

// MARK: - Bench-only helpers

extension BenchComm {
    /// Synthetic BEV features: objects as Gaussian blobs of one of 24 channel prototypes
    /// (cars ≈ 6 × 3 cells at 0.8 m), weak noise elsewhere; confidence is the blob weight.
    struct SyntheticBEV {
        let gridCells: Int
        let channels: Int
        let prototypes: [[Float]]

        init(gridCells: Int, channels: Int) {
            self.gridCells = gridCells
            self.channels = channels
            var rng = SplitMix64(seed: 0xB3F)
            prototypes = (0..<24).map { _ in (0..<channels).map { _ in Float(rng.nextUnit() * 2 - 1) } }
        }

        func frame(seed: UInt64) -> (FeatureMap, [Float]) {
            var rng = SplitMix64(seed: seed &* 0x9E37_79B9 &+ 1)
            var map = FeatureMap(height: gridCells, width: gridCells, channels: channels)
            var confidence = [Float](repeating: 0, count: gridCells * gridCells)
            for i in 0..<map.values.count { map.values[i] = Float(rng.nextUnit() - 0.5) * 0.1 }
            let scale = Double(gridCells) / 128
            for _ in 0..<30 {
                let row = rng.nextUnit() * Double(gridCells), column = rng.nextUnit() * Double(gridCells)
                let yaw = rng.nextUnit() * .pi
                let prototype = prototypes[Int(rng.next() % UInt64(prototypes.count))]
                let (halfLength, halfWidth) = (3.0 * scale, 1.3 * scale)
                let reach = Int(halfLength * 2) + 1
                for r in max(0, Int(row) - reach)..<min(gridCells, Int(row) + reach) {
                    for c in max(0, Int(column) - reach)..<min(gridCells, Int(column) + reach) {
                        let dy = Double(r) - row, dx = Double(c) - column
                        let along = dx * cos(yaw) + dy * sin(yaw), across = -dx * sin(yaw) + dy * cos(yaw)
                        let w = Float(exp(-(along * along) / (2 * halfLength * halfLength) - (across * across) / (2 * halfWidth * halfWidth)))
                        guard w > 0.05 else { continue }
                        let cell = r * gridCells + c
                        confidence[cell] = max(confidence[cell], min(1, w * 0.95))
                        for k in 0..<channels { map.values[cell * channels + k] += w * prototype[k] }
                    }
                }
            }
            return (map, confidence)
        }
    }

    /// Hands a non-Sendable value to exactly one other thread: the creator stops using it
    /// before the thread starts.
    final class Handoff<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// A stop flag shared between threads.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    /// Counts receive hits and consecutive empty polls.
    final class HitCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var _hits = 0, _idle = 0
        private var _lastHit = Timestamp(nanoseconds: 0)
        var hits: Int { lock.withLock { _hits } }
        var idle: Int { lock.withLock { _idle } }
        var lastHit: Timestamp { lock.withLock { _lastHit } }
        func hit() { let t = wallClock(); lock.withLock { _hits += 1; _idle = 0; _lastHit = t } }
        func miss() { lock.withLock { _idle += 1 } }
    }

    /// Publish and arrival times of the 10 Hz run.
    final class LatencyRecord: @unchecked Sendable {
        private let lock = NSLock()
        private var sentAt: [String: Int64] = [:]
        private var latencies: [Double] = []
        private var rejected = 0
        private var bytes = 0
        private var failure: String?

        private func key(_ agent: String, _ sequence: UInt64) -> String { "\(agent)#\(sequence)" }
        func sent(agent: String, sequence: UInt64, at t: Timestamp) { lock.withLock { sentAt[key(agent, sequence)] = t.nanoseconds } }
        func arrived(agent: String, sequence: UInt64, at t: Timestamp, bytes count: Int) {
            lock.withLock {
                bytes += count
                if let s = sentAt[key(agent, sequence)] { latencies.append(Double(t.nanoseconds - s) / 1e9) }
            }
        }
        func addRejections(_ n: Int) { lock.withLock { rejected += n } }
        func fail(_ message: String) { lock.withLock { failure = message } }
        func summary() -> (latencies: [Double], rejected: Int, failure: String?, bytes: Int) {
            lock.withLock { (latencies, rejected, failure, bytes) }
        }
    }

    /// Resident memory of this process from /proc/self/status (Linux), in bytes.
    enum ResidentMemory {
        static func current() -> Int { field("VmRSS:") }
        static func peak() -> Int { field("VmHWM:") }
        private static func field(_ name: String) -> Int {
            guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }),
                  let kib = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
            return kib * 1024
        }
    }
}
