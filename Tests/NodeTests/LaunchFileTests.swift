import Comm
import Fusion
import V2XCore
import XCTest

final class LaunchFileTests: XCTestCase {
    static let minimal = """
        agents:
          - {id: "1", endpoint: "tcp://127.0.0.1:47001"}
          - {id: -1, endpoint: "tcp://127.0.0.1:47002"}
        """

    func testDefaultsFillWhatTheFileOmits() throws {
        let launch = try LaunchFile(yaml: Self.minimal)
        XCTAssertNil(launch.scenario)
        XCTAssertNil(launch.ego)
        XCTAssertEqual(launch.rateHz, 10)
        XCTAssertEqual(launch.speed, 1)
        XCTAssertEqual(launch.precision, .fp32)
        XCTAssertEqual(launch.codebook, LaunchFile.defaultCodebook)
        XCTAssertEqual(launch.fusion, LaunchFile.Fusion(mode: .intermediate, fusionOperator: .attention, trust: true, poseCorrection: true))
        XCTAssertEqual(launch.fusionSettings.poseCorrection, BoxAgreementAlignment())
        XCTAssertEqual(launch.fusionSettings.sentReturnsPerBox, FusionSettings.defaultBoxReturnLimit)
        XCTAssertEqual(launch.deadlineSeconds, 0.08, accuracy: 1e-12)
        // A YAML integer id is read as the string it spells.
        XCTAssertEqual(launch.agents.map(\.id), ["1", "-1"])
        XCTAssertEqual(try launch.linkProfile(from: "1", to: "-1"), .perfect)
    }

    func testEveryFieldIsRead() throws {
        let launch = try LaunchFile(yaml: """
            scenario: /data/s1
            ego: "1"
            rate_hz: 5
            speed: 0.5
            precision: int8
            model: models/m
            codebook: models/m/cb
            fusion: {mode: late, operator: attention, trust: false, pose_correction: false, motion_compensation: false, refine_boxes: false, adopt_boxes: false, add_missed_boxes: false, box_returns: 16, rescore: false}
            deadline_ms: 120
            max_age_ms: 300
            selection: {budget_bytes: 4000, confidence_threshold: 0.25}
            agents:
              - {id: "1", endpoint: "tcp://10.0.0.1:7000"}
              - {id: "2", endpoint: "tcp://10.0.0.2:7000"}
            links:
              default: {delay_ms: 20, jitter_ms: 5, loss: 0.1, bandwidth_mbps: 10}
              overrides:
                - {from: "2", to: "1", delay_ms: 300}
            """)
        XCTAssertEqual(launch.scenario, "/data/s1")
        XCTAssertEqual(launch.ego, "1")
        XCTAssertEqual(launch.rateHz, 5)
        XCTAssertEqual(launch.speed, 0.5)
        XCTAssertEqual(launch.precision, .int8)
        XCTAssertEqual(launch.model, "models/m")
        XCTAssertEqual(launch.codebook, "models/m/cb")
        XCTAssertEqual(launch.fusionSettings.mode, .late)
        XCTAssertEqual(launch.fusionSettings.fusionOperator, .attention)
        XCTAssertNil(launch.fusionSettings.trust)
        XCTAssertNil(launch.fusionSettings.poseCorrection)
        XCTAssertFalse(launch.fusionSettings.motionCompensation)
        XCTAssertNil(launch.fusionSettings.boxRefiner)
        XCTAssertFalse(launch.fusionSettings.adoptsCollaboratorBoxes)
        XCTAssertFalse(launch.fusionSettings.addsMissedCollaboratorBoxes)
        XCTAssertEqual(launch.fusionSettings.boxReturnLimit, 16)
        XCTAssertEqual(launch.fusionSettings.sentReturnsPerBox, 0, "late fusion adopts no boxes, so senders carry no returns")
        XCTAssertFalse(launch.fusion.rescore)
        XCTAssertTrue(try LaunchFile(yaml: Self.minimal).fusion.rescore, "the ego rescores by default")
        XCTAssertEqual(launch.deadlineSeconds, 0.12, accuracy: 1e-12)
        XCTAssertEqual(launch.maxAgeSeconds, 0.3, accuracy: 1e-12)
        XCTAssertEqual(try launch.cellSelector(), try CellSelector(threshold: 0.25, budgetBytes: 4000))

        let forward = try launch.linkProfile(from: "1", to: "2")
        XCTAssertEqual(forward.delaySeconds, 0.02, accuracy: 1e-12)
        XCTAssertEqual(forward.jitterSeconds, 0.005, accuracy: 1e-12)
        XCTAssertEqual(forward.lossProbability, 0.1)
        XCTAssertEqual(forward.bandwidthBitsPerSecond, 10e6)
        // The override replaces only the fields it sets.
        let back = try launch.linkProfile(from: "2", to: "1")
        XCTAssertEqual(back.delaySeconds, 0.3, accuracy: 1e-12)
        XCTAssertEqual(back.jitterSeconds, 0.005, accuracy: 1e-12)
        XCTAssertEqual(back.lossProbability, 0.1)
    }

    /// Each bad file fails with a typed error whose message names the field.
    func testInvalidFieldsAreNamed() {
        let cases: [(yaml: String, field: String)] = [
            (Self.minimal + "\nrate_hz: 0", "rate_hz"),
            (Self.minimal + "\nspeed: -1", "speed"),
            (Self.minimal + "\nprecision: fp16", "precision"),
            (Self.minimal + "\nfusion: {mode: early}", "fusion.mode"),
            (Self.minimal + "\nfusion: {mode: telepathy}", "fusion.mode"),
            (Self.minimal + "\nfusion: {operater: max}", "fusion.operater"),
            (Self.minimal + "\nfusion: {box_returns: -1}", "fusion.box_returns"),
            (Self.minimal + "\ndeadline_ms: -5", "deadline_ms"),
            (Self.minimal + "\nselection: {confidence_threshold: 2}", "selection.confidence_threshold"),
            (Self.minimal + "\nselection: {budget_bytes: 0}", "selection.budget_bytes"),
            (Self.minimal + "\nego: \"7\"", "ego"),
            (Self.minimal + "\nspeeed: 2", "speeed"),
            (Self.minimal + "\nlinks: {default: {loss: 1.5}}", "links.default.loss"),
            (Self.minimal + "\nlinks: {default: {bandwidth_mbps: 0}}", "links.default.bandwidth_mbps"),
            (Self.minimal + "\nlinks: {overrides: [{from: \"1\", to: \"9\", delay_ms: 1}]}", "links.overrides[0].to"),
            (Self.minimal + "\nlinks: {overrides: [{from: \"1\", to: \"1\"}]}", "links.overrides[0]"),
            (Self.minimal + "\nlinks: {overrides: [{from: \"1\", to: \"-1\", delay_ms: -1}]}", "links.overrides[0].delay_ms"),
            ("agents:\n  - {id: a, endpoint: \"udp://x:1\"}", "agents[0].endpoint"),
            ("agents:\n  - {id: a, endpoint: \"tcp://h:1\"}\n  - {id: a, endpoint: \"tcp://h:2\"}", "agents[1].id"),
            ("agents:\n  - {id: a, endpoint: \"tcp://h:1\"}\n  - {id: b, endpoint: \"tcp://h:1\"}", "agents[1].endpoint"),
            ("agents: []", "agents"),
            ("rate_hz: 10", "agents"),
        ]
        for (yaml, field) in cases {
            XCTAssertThrowsError(try LaunchFile(yaml: yaml, path: "l.yaml"), field) { error in
                guard let error = error as? V2XError else { return XCTFail("\(field): not a V2XError: \(error)") }
                XCTAssertTrue(error.message.contains("'\(field)"), "\(field): \(error.message)")
                XCTAssertEqual(error.path, "l.yaml")
            }
        }
    }

    func testTheCommittedDefaultLaunchIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let launch = try LaunchFile.load(from: root.appendingPathComponent("launch/default.yaml"))
        XCTAssertNil(launch.scenario)
        XCTAssertEqual(launch.agents.count, 4)
        XCTAssertEqual(launch.fusion.mode, .intermediate)
    }

    func testMissingFileIsNotFound() {
        XCTAssertThrowsError(try LaunchFile.load(from: URL(fileURLWithPath: "/nonexistent/launch.yaml"))) {
            XCTAssertEqual(($0 as? V2XError)?.code, .notFound)
        }
    }
}
