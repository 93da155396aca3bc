import Comm
import Foundation
import Perception
import V2XCore

/// One launch of agents as processes: what `v2x launch` starts and what each `v2x node`
/// reads to know its part. YAML on disk (`launch/default.yaml`), snake_case keys:
///
/// ```yaml
/// scenario: default                  # a scenario folder, or `default` (the bundled one)
/// ego: "641"                         # optional; default: the scenario's first vehicle
/// rate_hz: 10                        # the sensor rate (volume figures, the frame window)
/// speed: 1.0                         # replay speed; 0.5 = half real time
/// precision: fp32                    # fp32 | int8 (the feature encoder)
/// model: models/pillars-centerpoint-vehicle
/// codebook: models/pillars-centerpoint-vehicle/codebook   # base path, no extension
/// fusion: {mode: intermediate, operator: attention, trust: true, pose_correction: true, motion_compensation: true, refine_boxes: true, adopt_boxes: true, add_missed_boxes: true, box_returns: 64, rescore: true}   # as `v2x replay`'s defaults
/// deadline_ms: 80                    # how long after its capture the ego waits
/// max_age_ms: 500                    # older messages are stale (gate and collection)
/// selection: {budget_bytes: 4096, confidence_threshold: 0.2}   # as `v2x replay`'s defaults
/// agents:
///   - {id: "641", endpoint: "tcp://127.0.0.1:47101"}
/// links:
///   default: {delay_ms: 0, jitter_ms: 0, loss: 0}      # bandwidth_mbps absent = unlimited
///   overrides:
///     - {from: "641", to: "-1", delay_ms: 100}         # unset fields keep the default's
/// ```
/// Times are scenario time: at `speed: 0.5` a 100 ms link delay takes 200 ms of wall time.
/// Each agent binds its PUB socket to its own `endpoint` and connects to the others', so
/// one file serves a launch on one host (`tcp://127.0.0.1:…`) or across hosts (each
/// agent's address). Relative paths are resolved by the caller (the project root).
public struct LaunchFile: Sendable, Equatable {
    /// The scenario folder, or `nil` for the bundled default scenario.
    public var scenario: String?
    /// The ego agent, or `nil` for the scenario's first vehicle.
    public var ego: String?
    /// Frames per second of the LiDARs.
    public var rateHz: Double
    /// Replay speed relative to real time (> 0).
    public var speed: Double
    /// The feature encoder's arithmetic.
    public var precision: EncoderPrecision
    /// The detector model folder.
    public var model: String
    /// The message codebook, as a base path without extension (`FeatureCodebook.load(base:)`).
    public var codebook: String
    /// How the ego fuses.
    public var fusion: Fusion
    /// Scenario seconds after its own capture the ego waits for collaborators.
    public var deadlineSeconds: Double
    /// Oldest message (by capture time) the ego uses, scenario seconds.
    public var maxAgeSeconds: Double
    /// Which cells a sender puts in its message.
    public var selection: Selection
    /// The agents that run, each with the endpoint it publishes on.
    public var agents: [Agent]
    /// Link emulation between agents.
    public var links: Links

    /// The fusion part: mode, operator, whether the trust model weighs collaborators, whether
    /// their poses are corrected from box agreement and their moving cars moved by their age,
    /// whether agents refit their boxes to their own returns, whether the ego adopts
    /// collaborators' boxes where it cannot refit its own, and whether it adds the
    /// collaborators' boxes it found nothing near, and whether it rescores its final boxes.
    public struct Fusion: Sendable, Equatable {
        public var mode: FusionMode
        public var fusionOperator: FusionOperator
        public var trust: Bool
        public var poseCorrection: Bool
        public var motionCompensation: Bool
        public var refineBoxes: Bool
        public var adoptBoxes: Bool
        public var addMissedBoxes: Bool
        /// Most returns a sender carries inside each box it sends (`FusionSettings.boxReturnLimit`).
        public var boxReturns: Int
        /// Whether the ego scores its final boxes with the model folder's `BoxRescorer` (when
        /// the folder has one; `FusionSettings.rescorer`).
        public var rescore: Bool

        public init(mode: FusionMode = .intermediate, fusionOperator: FusionOperator = .attention, trust: Bool = true,
                    poseCorrection: Bool = true, motionCompensation: Bool = true, refineBoxes: Bool = true, adoptBoxes: Bool = true,
                    addMissedBoxes: Bool = true, boxReturns: Int = FusionSettings.defaultBoxReturnLimit, rescore: Bool = true) {
            self.mode = mode; self.fusionOperator = fusionOperator; self.trust = trust
            self.poseCorrection = poseCorrection; self.motionCompensation = motionCompensation
            self.refineBoxes = refineBoxes; self.adoptBoxes = adoptBoxes; self.addMissedBoxes = addMissedBoxes
            self.boxReturns = boxReturns; self.rescore = rescore
        }
    }

    /// Cell selection at the sender (`CellSelector`).
    public struct Selection: Sendable, Equatable {
        public var budgetBytes: Int
        public var confidenceThreshold: Float

        public init(budgetBytes: Int = CellSelector.defaultBudgetBytes, confidenceThreshold: Float = CellSelector.defaultThreshold) {
            self.budgetBytes = budgetBytes; self.confidenceThreshold = confidenceThreshold
        }
    }

    /// One agent process.
    public struct Agent: Sendable, Equatable {
        /// The scenario's agent id.
        public var id: String
        /// Where its PUB socket binds and where the others connect (`tcp://host:port`, `ipc://path`).
        public var endpoint: String

        public init(id: String, endpoint: String) { self.id = id; self.endpoint = endpoint }
    }

    /// One link's impairments in launch-file units; `nil` fields inherit (from the default
    /// link for an override, from a perfect link for the default).
    public struct Link: Sendable, Equatable {
        public var delayMilliseconds: Double?
        public var jitterMilliseconds: Double?
        public var loss: Double?
        public var bandwidthMegabitsPerSecond: Double?

        public init(delayMilliseconds: Double? = nil, jitterMilliseconds: Double? = nil, loss: Double? = nil, bandwidthMegabitsPerSecond: Double? = nil) {
            self.delayMilliseconds = delayMilliseconds; self.jitterMilliseconds = jitterMilliseconds
            self.loss = loss; self.bandwidthMegabitsPerSecond = bandwidthMegabitsPerSecond
        }
    }

    /// A per-(from, to) link override.
    public struct LinkOverride: Sendable, Equatable {
        public var from: String
        public var to: String
        public var link: Link

        public init(from: String, to: String, link: Link) { self.from = from; self.to = to; self.link = link }
    }

    /// The default link and its overrides.
    public struct Links: Sendable, Equatable {
        public var defaultLink: Link
        public var overrides: [LinkOverride]

        public init(defaultLink: Link = Link(), overrides: [LinkOverride] = []) {
            self.defaultLink = defaultLink; self.overrides = overrides
        }
    }

    /// The default model folder, relative to the project root.
    public static let defaultModel = "models/pillars-centerpoint-vehicle"
    /// The default codebook base path, relative to the project root.
    public static let defaultCodebook = "models/pillars-centerpoint-vehicle/codebook"

    /// A launch with the documented defaults for everything but the agents.
    public init(
        scenario: String? = nil, ego: String? = nil, rateHz: Double = 10, speed: Double = 1,
        precision: EncoderPrecision = .fp32, model: String = LaunchFile.defaultModel, codebook: String = LaunchFile.defaultCodebook,
        fusion: Fusion = Fusion(), deadlineSeconds: Double = 0.08, maxAgeSeconds: Double = 0.5,
        selection: Selection = Selection(), agents: [Agent], links: Links = Links()
    ) {
        self.scenario = scenario; self.ego = ego; self.rateHz = rateHz; self.speed = speed
        self.precision = precision; self.model = model; self.codebook = codebook; self.fusion = fusion
        self.deadlineSeconds = deadlineSeconds; self.maxAgeSeconds = maxAgeSeconds
        self.selection = selection; self.agents = agents; self.links = links
    }

    /// The agent entry of `id`.
    /// - Throws: `V2XError.notFound` naming the agent when the launch does not list it.
    public func agent(_ id: String) throws -> Agent {
        guard let agent = agents.first(where: { $0.id == id }) else {
            throw V2XError(.notFound, "agent '\(id)' is not in the launch file's agents (\(agents.map(\.id).joined(separator: ", ")))")
        }
        return agent
    }

    /// The emulated link from one agent to another: the default link with the matching
    /// override's fields on top.
    /// - Throws: `V2XError.invalidArgument` when the values are out of range (see `validate`).
    public func linkProfile(from: String, to: String) throws -> LinkProfile {
        var link = links.defaultLink
        if let override = links.overrides.first(where: { $0.from == from && $0.to == to })?.link {
            link.delayMilliseconds = override.delayMilliseconds ?? link.delayMilliseconds
            link.jitterMilliseconds = override.jitterMilliseconds ?? link.jitterMilliseconds
            link.loss = override.loss ?? link.loss
            link.bandwidthMegabitsPerSecond = override.bandwidthMegabitsPerSecond ?? link.bandwidthMegabitsPerSecond
        }
        return try LinkProfile(
            delaySeconds: (link.delayMilliseconds ?? 0) / 1000, jitterSeconds: (link.jitterMilliseconds ?? 0) / 1000,
            lossProbability: link.loss ?? 0, bandwidthBitsPerSecond: link.bandwidthMegabitsPerSecond.map { $0 * 1e6 },
            maxQueueSeconds: 1)
    }

    /// The ego's fusion settings (the trust model and pose correction with their documented
    /// defaults when on; no rescorer: the node loads the model folder's when `fusion.rescore`).
    public var fusionSettings: FusionSettings {
        FusionSettings(mode: fusion.mode, fusionOperator: fusion.fusionOperator, trust: fusion.trust ? TrustModel() : nil,
                       poseCorrection: fusion.poseCorrection ? BoxAgreementAlignment() : nil, motionCompensation: fusion.motionCompensation,
                       boxRefiner: fusion.refineBoxes ? BoxRefiner() : nil, adoptsCollaboratorBoxes: fusion.adoptBoxes,
                       addsMissedCollaboratorBoxes: fusion.addMissedBoxes, boxReturnLimit: fusion.boxReturns)
    }

    /// The sender's cell selector.
    public func cellSelector() throws -> CellSelector {
        try CellSelector(threshold: selection.confidenceThreshold, budgetBytes: selection.budgetBytes)
    }
}
