import Comm
import Foundation
import Fusion
import Perception
import Synchronization
import V2XCore
import V2XTestSupport
import XCTest

/// Two nodes' worth of the real pipeline in one process over ZeroMQ (`ipc://`): a
/// collaborator that publishes signed codebook messages for its first frames and then
/// stops, a forger sending garbage to the ego, and the ego that admits, decodes and fuses
/// what arrives and keeps producing detections after the collaborator is gone.
final class AgentNodeTransportTests: XCTestCase {
    /// A detector small enough for a test: 16×16 input cells of 0.4 m, 8×8 feature cells of 7 channels.
    static let config = DetectorConfig(
        grid: try! BEVGrid(minX: -3.2, maxX: 3.2, minY: -3.2, maxY: 3.2, cellSizeMeters: 0.4),
        minZMeters: -3, maxZMeters: 3, classes: [.vehicle],
        pillarChannels: 4, stage1Channels: 4, stage1Convs: 2, stage2Channels: 6, stage2Convs: 1,
        upsampleChannels: 3, headChannels: 5, maxDetections: 10, scoreThreshold: 0.05, nmsIoUThreshold: 0.1
    )

    /// A box-shaped blob plus ground, different per seed.
    static func cloud(seed: UInt64) -> PointCloud {
        var rng = SeededGenerator(seed: seed)
        var c = PointCloud()
        for _ in 0..<150 {
            c.append(x: Float.random(in: 0.2...1.8, using: &rng), y: Float.random(in: -0.5...0.5, using: &rng),
                     z: Float.random(in: -1...0.5, using: &rng), intensity: Float.random(in: 0...1, using: &rng))
        }
        for _ in 0..<60 {
            c.append(x: Float.random(in: -3...3, using: &rng), y: Float.random(in: -3...3, using: &rng), z: -1.7, intensity: 0.1)
        }
        return c
    }

    /// `count` frames 100 ms apart, the agent standing at `x`.
    struct Frames: NodeFrameSource {
        let count: Int
        let x: Double
        let seed: UInt64
        var captureTimes: [Timestamp] { (0..<count).map { Timestamp(nanoseconds: Int64($0) * 100_000_000) } }

        func frame(at index: Int) throws -> NodeFrame {
            NodeFrame(frameID: String(format: "%06d", index), captureTime: captureTimes[index],
                      pose: Pose(x: x, y: 0, z: 0, roll: 0, pitch: 0, yaw: 0), points: AgentNodeTransportTests.cloud(seed: seed &+ UInt64(index)))
        }
    }

    func testEgoFusesSignedMessagesAndKeepsProducingAfterACollaboratorStops() throws {
        var rng = SeededGenerator(seed: 3)
        let detector = try BEVDetector(network: DetectorNetwork(config: Self.config, using: &rng))
        var vectors: [Float] = []
        for seed in 0..<4 as Range<UInt64> { vectors += try detector.encode(Self.cloud(seed: seed)).map.values }
        let channels = Self.config.featureChannels
        let codebook = try FeatureCodebook.train(
            id: "node-test", modelID: "tiny", vectors: vectors, count: vectors.count / channels, channels: channels,
            codesPerCell: 1, codesPerBook: 16, iterations: 5, seed: 1)
        let keys = try LaunchKeys.generate(agentIDs: ["ego", "cav"])
        let identity = { (id: String) in keys.identities.first { $0.agentID == id }! }
        let selector = try CellSelector(threshold: 0, budgetBytes: 4096)
        func messageEncoder(_ id: String) throws -> BEVMessageEncoder {
            try BEVMessageEncoder(codebook: codebook, selector: selector, identity: identity(id), grid: Self.config.featureGrid, agentKind: .vehicle)
        }
        let folder = try TemporaryDirectory()
        let cavEndpoint = "ipc://" + folder.file("cav").path
        let forgerEndpoint = "ipc://" + folder.file("forger").path

        let frameCount = 12, cavFrames = 5
        let maxAge = 0.15
        let context = try ZMQContext()
        let egoPublisher = try AgentPublisher(context: context, agentID: "ego", bindTo: "ipc://" + folder.file("ego").path)
        let subscriber = try AgentSubscriber(context: context, agentID: "ego")
        try subscriber.connect(to: cavEndpoint)
        try subscriber.connect(to: forgerEndpoint)
        let role = EgoRole(
            subscriber: subscriber,
            gate: try MessageGate(keyring: keys.keyring, policy: .init(maxAgeSeconds: 1, acceptedCodebookHashes: [codebook.hash])),
            inbox: try CollaboratorInbox(maxAgeSeconds: maxAge),
            fusion: try CooperativeDetector(detector: detector, settings: FusionSettings(mode: .intermediate)),
            codebook: codebook, collaborators: ["cav"], deadlineSeconds: 0.08, currentWindowSeconds: 0.05)
        let ego = AgentNode(
            agentID: "ego", perception: NodePerception(encoder: detector, detector: detector),
            messageEncoder: try messageEncoder("ego"), publisher: egoPublisher, links: ["cav": .perfect], ego: role)
        // Start far enough ahead for the sockets to connect (ZeroMQ's slow joiner).
        let clock = try ScenarioClock(wallStart: Timestamp(nanoseconds: WallClock.now().nanoseconds + 300_000_000), scenarioStart: .init(nanoseconds: 0), speed: 1)

        let egoDone = DoneFlag()
        let collaborator = Thread { [cavEncoder = try! messageEncoder("cav")] in
            // The collaborator runs its first frames and then its process is gone (socket closed).
            do {
                let cav = AgentNode(
                    agentID: "cav", perception: NodePerception(encoder: detector, detector: detector), messageEncoder: cavEncoder,
                    publisher: try AgentPublisher(context: context, agentID: "cav", bindTo: cavEndpoint), links: ["ego": .perfect], ego: nil)
                _ = try cav.run(source: Frames(count: frameCount, x: 1, seed: 100), clock: clock, frameLimit: cavFrames, shouldStop: { false }) { _ in }
            } catch {
                XCTFail("collaborator: \(error)")
            }
        }
        let forger = Thread {
            // Unsigned garbage and a forged signature under the collaborator's name.
            guard let publisher = try? AgentPublisher(context: context, agentID: "mallory", bindTo: forgerEndpoint) else { return XCTFail("forger bind") }
            publisher.addLink(to: "ego")
            let forgedKey = SigningIdentity.generate(agentID: "cav")
            var sequence: UInt64 = 1000
            while !egoDone.value.load(ordering: .relaxed) {
                let message = BEVMessage(
                    agentID: "cav", agentKind: .vehicle, sequence: sequence, captureTime: WallClock.now(), sendTime: WallClock.now(),
                    pose: .identity, grid: Self.config.featureGrid, channels: channels, codebook: codebook.reference, cellIndices: [], codes: [])
                sequence += 1
                _ = try? publisher.publish([0x08, 0x01, 0xFF, 0x00, 0x13], now: WallClock.now())
                if let forged = try? forgedKey.seal(message) { _ = try? publisher.publish(forged, now: WallClock.now()) }
                usleep(30_000)
            }
        }
        collaborator.start()
        forger.start()
        defer { egoDone.value.store(true, ordering: .relaxed) }

        var reports: [NodeFrameReport] = []
        let summary = try ego.run(source: Frames(count: frameCount, x: 0, seed: 200), clock: clock, shouldStop: { false }) { reports.append($0) }
        egoDone.value.store(true, ordering: .relaxed)

        // Every frame was either fused and written or skipped behind the sensor; the last one always runs.
        XCTAssertEqual(summary.framesProcessed + summary.framesSkipped, frameCount)
        XCTAssertGreaterThan(summary.cpuSeconds ?? 0, 0, "the run's CPU time is recorded")
        XCTAssertEqual(reports.count, summary.framesProcessed)
        XCTAssertEqual(reports.last?.frameIndex, frameCount - 1)
        XCTAssertTrue(reports.allSatisfy { $0.detections != nil })
        XCTAssertTrue(reports.allSatisfy { $0.message.bytes > 0 && $0.message.bytes <= 4096 })
        // Reading the sweep is reported first, outside the frame's total, which comes last.
        XCTAssertTrue(reports.allSatisfy { $0.stages.first?.name == "load" && $0.stages.last?.name == "total" })
        XCTAssertTrue(reports.allSatisfy { $0.stages.allSatisfy { $0.nanoseconds >= 0 } })

        // While the collaborator ran, its verified messages were decoded and fused.
        let fusedWhileAlive = reports.filter { $0.frameIndex < cavFrames && $0.collaborators.contains { $0.agentID == "cav" } }
        XCTAssertFalse(fusedWhileAlive.isEmpty, "no collaborator message was fused while it ran")
        XCTAssertGreaterThan(summary.messagesAccepted, 0)
        XCTAssertEqual(summary.collaboratorsFused, reports.reduce(0) { $0 + $1.collaborators.count })
        // Once its last message is older than the max age, the ego fuses on alone.
        let lastUsable = Double(cavFrames - 1) * 0.1 + maxAge
        let afterStop = reports.filter { Double($0.frameIndex) * 0.1 > lastUsable + 1e-9 }
        XCTAssertFalse(afterStop.isEmpty)
        XCTAssertTrue(afterStop.allSatisfy { $0.collaborators.isEmpty })
        XCTAssertTrue(reports.allSatisfy { $0.collaborators.allSatisfy { $0.ageSeconds <= maxAge } })
        // The forger's inputs were counted by reason and dropped.
        XCTAssertGreaterThan(summary.messagesRejected["bad-signature", default: 0] + summary.messagesRejected["malformed-envelope", default: 0], 0)
        XCTAssertNil(summary.messagesRejected["from-future"])
        XCTAssertEqual(summary.decodeFailures, 0)
    }
}

/// Tells the forger thread the ego has finished.
private final class DoneFlag: Sendable {
    let value = Atomic<Bool>(false)
}
