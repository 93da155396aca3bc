import Comm
import Foundation
import Fusion
import Perception
import Scenario
import Testing
import V2XCore
import V2XTestSupport

@Suite struct CooperativeReplayTests {
    static let detector = CooperativeDetectorTests.detector
    static let codebook: FeatureCodebook = {
        var rng = SeededGenerator(seed: 3)
        let vectors = (0..<(64 * 16)).map { _ in Float.random(in: 0...1, using: &rng) }
        return try! FeatureCodebook.train(id: "test", modelID: "test", vectors: vectors, count: 64, channels: 16,
                                          codesPerCell: 2, codesPerBook: 16, iterations: 3, seed: 1)
    }()

    /// Two agents 4 m apart at 10 Hz.
    static func frame(_ index: Int) -> ScenarioFrame {
        let time = Timestamp(seconds: 100 + Double(index) * 0.1)
        let agents = [("ego", 0.0, 1 as UInt64), ("b", 4.0, 2 as UInt64)].map { id, x, seed in
            AgentFrame(agentID: id, kind: .vehicle, timestamp: time, lidarPose: Pose(x: x + Double(index), y: 0, z: 1.8, yaw: 0),
                       points: CooperativeDetectorTests.sweep(seed: seed &+ UInt64(index) * 10), objects: [])
        }
        return ScenarioFrame(index: index, frameID: String(format: "%06d", index), agents: agents)
    }

    static func setting(_ mode: FusionMode, _ payload: SharedPayload, delay: Double = 0, noise: Double = 0) -> ReplaySetting {
        ReplaySetting(name: mode.rawValue, fusion: FusionSettings(mode: mode), precision: .fp32, payload: payload,
                      delaySeconds: delay, poseNoise: .matching(positionSigmaMeters: noise))
    }

    func replay() throws -> CooperativeReplay {
        try CooperativeReplay(detector: Self.detector, int8Encoder: nil, codebook: Self.codebook,
                          selector: try CellSelector(threshold: 0.0, budgetBytes: 2000), agentIDs: ["ego", "b"])
    }

    @Test func aDelayedCollaboratorIsMissingUntilItsOldFrameExists() throws {
        var engine = try replay()
        let settings = [Self.setting(.intermediate, .codedFeatures), Self.setting(.intermediate, .codedFeatures, delay: 0.2)]
        let counts = try (0..<4).map { try engine.process(Self.frame($0), egoID: "ego", settings: settings).map(\.messageBytes.count) }
        #expect(counts == [[1, 0], [1, 0], [1, 1], [1, 1]])
    }

    @Test func payloadsAreSizedAsTheyWouldBeSent() throws {
        var engine = try replay()
        let results = try engine.process(Self.frame(0), egoID: "ego", settings: [
            Self.setting(.none, .nothing), Self.setting(.intermediate, .denseFeatures),
            Self.setting(.intermediate, .codedFeatures), Self.setting(.early, .points), Self.setting(.late, .boxes),
        ])
        let grid = Self.detector.config.featureGrid
        #expect(results[0].messageBytes.isEmpty)
        #expect(results[1].messageBytes == [grid.cellCount * (Self.detector.config.featureChannels + 1) * 4])
        #expect(results[2].messageBytes[0] <= 2000 && results[2].fractionsSent[0] > 0)
        #expect(results[3].messageBytes == [Self.frame(0).agents[1].points.count * 16])
        #expect(results[4].messageBytes[0] > 0)
        let egoPoints = Self.frame(0).agents[0].points
        #expect(results[0].boxes == BoxRefiner().refine(try Self.detector.detect(points: egoPoints), points: egoPoints))
    }

    @Test func poseCorrectionSendsAnchorBoxesInTheCodedMessage() throws {
        var engine = try replay()
        var plain = Self.setting(.intermediate, .codedFeatures, noise: 0.4)
        // Without box adoption, which would have senders send their boxes for it too.
        plain.fusion.adoptsCollaboratorBoxes = false
        var aligned = plain
        aligned.fusion.poseCorrection = BoxAgreementAlignment(minScore: 0)
        let results = try engine.process(Self.frame(0), egoID: "ego", settings: [plain, aligned])
        let withAnchors = try engine.observations(aligned, egoID: "ego").collaborators
        let without = try engine.observations(plain, egoID: "ego").collaborators
        #expect(without[0].boxes.isEmpty)
        #expect(!withAnchors[0].boxes.isEmpty && withAnchors[0].boxes.count <= 16)
        // The budget covers the whole message: anchors take the place of cells.
        #expect(results[1].messageBytes[0] <= 2000 && results[0].messageBytes[0] <= 2000)
        #expect(results[1].fractionsSent[0] < results[0].fractionsSent[0])
    }

    @Test func motionCompensationKeepsTheSendersEarlierMessagesNewestFirst() throws {
        var engine = try replay()
        var setting = Self.setting(.intermediate, .codedFeatures, delay: 0.1)
        setting.fusion.motionCompensation = true
        for i in 0..<8 { _ = try engine.process(Self.frame(i), egoID: "ego", settings: [setting]) }
        let sender = try #require(try engine.observations(setting, egoID: "ego").collaborators.first)
        #expect(sender.history.count == TrackedVelocity().maxSteps)
        for (k, earlier) in sender.history.enumerated() {
            #expect(abs(sender.captureTime.seconds(since: earlier.captureTime) - 0.1 * Double(k + 1)) < 1e-6)
        }
    }

    @Test func poseNoiseIsDeterministicAndChangesTheFusedResult() throws {
        let noisy = Self.setting(.intermediate, .denseFeatures, noise: 0.4)
        var first = try replay(), second = try replay()
        let a = try first.process(Self.frame(0), egoID: "ego", settings: [noisy, Self.setting(.intermediate, .denseFeatures)])
        let b = try second.process(Self.frame(0), egoID: "ego", settings: [noisy])
        #expect(a[0].boxes == b[0].boxes)
        let pose = Pose(x: 1, y: 2, z: 0, yaw: 0.3)
        let perturbed = PoseNoise.matching(positionSigmaMeters: 0.4).perturb(pose, seed: 1, agentID: "b", frameIndex: 0)
        #expect(perturbed != pose)
        #expect(perturbed == PoseNoise.matching(positionSigmaMeters: 0.4).perturb(pose, seed: 1, agentID: "b", frameIndex: 0))
        #expect(PoseNoise.none.perturb(pose, seed: 1, agentID: "b", frameIndex: 0) == pose)
    }

    @Test func missingInt8EncoderOrEgoAreTypedErrors() throws {
        var engine = try replay()
        var int8 = Self.setting(.none, .nothing)
        int8.precision = .int8
        #expect(throws: V2XError.self) { try engine.process(Self.frame(0), egoID: "ego", settings: [int8]) }
        #expect(throws: V2XError.self) { try engine.process(Self.frame(0), egoID: "nobody", settings: [Self.setting(.none, .nothing)]) }
    }
}
