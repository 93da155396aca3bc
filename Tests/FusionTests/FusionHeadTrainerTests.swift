import Foundation
import Fusion
import Perception
import Testing
import V2XCore

@Suite struct FusionHeadTrainerTests {
    /// An ego and a collaborator 3 m ahead, both seeing random clouds, and one car to find.
    static func sample() throws -> (ego: AgentObservation, collaborators: [AgentObservation], truth: [Box3D]) {
        let ego = try CooperativeDetectorTests.observation("ego", seconds: 1, pose: .identity, seed: 1)
        let other = try CooperativeDetectorTests.observation("b", seconds: 1, pose: Pose(x: 3, y: 0, z: 0, yaw: 0.2), seed: 2)
        return (ego, [other], [Box3D(x: 4, y: -2, z: -0.5, l: 4.4, w: 1.8, h: 1.5, yaw: 0.1)])
    }

    @Test func stepsLowerTheLossOnTheHeadOnlyAndFollowTheSchedule() throws {
        let detector = CooperativeDetectorTests.detector
        let schedule = LearningRateSchedule(peak: 3e-3, warmupSteps: 2, totalSteps: 12)
        var trainer = FusionHeadTrainer(detector: detector, settings: FusionSettings(mode: .intermediate), schedule: schedule)
        let sample = try Self.sample()
        let first = try trainer.trainStep([sample]).total
        for _ in 0..<11 { try trainer.trainStep([sample]) }
        let last = try trainer.lossAndGradients(ego: sample.ego, collaborators: sample.collaborators, truth: sample.truth).value.total
        #expect(trainer.step == 12)
        #expect(last < first)
        // The encoder is frozen: only tensors after it moved.
        let before = detector.network.tensors, after = trainer.detector.network.tensors
        let encoderCount = detector.network.encoderTensorCount
        #expect(Array(after[..<encoderCount]) == Array(before[..<encoderCount]))
        #expect(Array(after[encoderCount...]) != Array(before[encoderCount...]))
        #expect(throws: V2XError.self) { try trainer.trainStep([]) }
    }
}
