import Comm
import Foundation
import V2XCore

/// One agent as a process (`v2x node`): paced by the shared `ScenarioClock`, for each of its
/// sweeps it perceives, selects and codes cells, signs and publishes through its emulated
/// links; the ego also collects its collaborators' messages until its deadline and fuses.
///
/// ```
/// wait for the frame's capture time (pumping delayed messages; the ego admits arrivals)
///   → encode → head (confidence, own boxes) → message (select, code, sign) → publish
///   ego: → wait until capture + deadline or every live collaborator's frame is in
///        → collect (newest per collaborator, not stale) → decode → fuse → detect
/// ```
/// A node behind its sensor skips to the newest captured frame (as a real-time node would),
/// counting what it skipped. Single-threaded: sockets are used from the calling thread only.
public final class AgentNode {
    public let agentID: String
    public let perception: NodePerception
    public let messageEncoder: BEVMessageEncoder
    public let publisher: AgentPublisher
    /// Non-nil on the ego.
    public private(set) var ego: EgoRole?
    /// Which of the sender's boxes its messages carry.
    public var boxSharing: BoxSharing = .all
    /// Most of its returns a node carries inside each box it sends (`BoxReturns`); 0 = none,
    /// and none without the perception's box refiner.
    public var returnsPerBox = 0
    /// Longest a node keeps pumping delayed messages after its last frame, wall seconds.
    public var drainSeconds: Double = 2
    private var summary: NodeRunSummary
    /// Gate times of messages admitted while waiting for a frame, reported with that frame.
    private var verifiedWhileIdle: [Int64] = []

    /// - Parameters:
    ///   - publisher: bound; the node adds a link to every peer in `links`.
    ///   - links: the emulated link to each peer (every agent the message should reach).
    ///   - ego: the ego's receiving side, or nil for a collaborator.
    public init(
        agentID: String, perception: NodePerception, messageEncoder: BEVMessageEncoder, publisher: AgentPublisher,
        links: [String: LinkProfile], ego: EgoRole?
    ) {
        self.agentID = agentID; self.perception = perception; self.messageEncoder = messageEncoder
        self.publisher = publisher; self.ego = ego
        peers = links.keys.sorted()
        for (peer, profile) in links {
            publisher.addLink(to: peer, profile: profile, seed: Self.linkSeed(from: agentID, to: peer))
        }
        summary = NodeRunSummary(agent: agentID, isEgo: ego != nil)
    }

    /// The agents this node publishes to.
    public let peers: [String]

    /// A seed per directed link, the same in every run (FNV-1a of "from→to"), so a launch's
    /// loss and jitter pattern repeats.
    static func linkSeed(from: String, to: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array("\(from)→\(to)".utf8) {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        return hash
    }

    /// Runs frames `0..<frameLimit` (all by default) of `source` on `clock`.
    /// - Parameters:
    ///   - shouldStop: polled between frames and while waiting; the frame in progress is finished.
    ///   - onFrame: receives each frame's report as soon as it is done (write it out there).
    /// - Returns: the run's counts.
    /// - Throws: what perception, coding or the sockets throw, and what `onFrame` throws.
    public func run(
        source: some NodeFrameSource, clock: ScenarioClock, frameLimit: Int? = nil,
        shouldStop: () -> Bool, onFrame: (NodeFrameReport) throws -> Void
    ) throws -> NodeRunSummary {
        let times = Array(source.captureTimes.prefix(frameLimit ?? Int.max))
        let cpuStart = WallClock.processCPUNanoseconds()
        var last: Int?
        while !shouldStop() {
            let next = (last ?? -1) + 1
            guard next < times.count else { break }
            try idle(untilWall: clock.wallTime(atScenario: times[next]), clock: clock, shouldStop: shouldStop)
            if shouldStop() { break }
            let now = clock.scenarioTime(atWall: WallClock.now())
            guard let index = ScenarioClock.frameToProcess(captureTimes: times, after: last, now: now) else { continue }
            let loadStart = WallClock.monotonicNanoseconds()
            let frame = try source.frame(at: index)
            let loadNanoseconds = WallClock.monotonicNanoseconds() - loadStart
            var report = try process(frame, index: index, clock: clock, loadNanoseconds: loadNanoseconds)
            report.skippedBefore = index - next
            summary.framesSkipped += index - next
            summary.framesProcessed += 1
            last = index
            try onFrame(report)
        }
        if shouldStop() {
            summary.ending = "stopped"
        } else if let frameLimit, frameLimit < source.captureTimes.count {
            summary.ending = "frame-limit"
        }
        try drainDelayed(clock: clock)
        summary.cpuSeconds = Double(WallClock.processCPUNanoseconds() - cpuStart) / 1e9
        return finalSummary()
    }

    /// Waits until a wall time, sending delayed messages as they fall due and, on the ego,
    /// admitting what arrives.
    private func idle(untilWall deadline: Timestamp, clock: ScenarioClock, shouldStop: () -> Bool) throws {
        while !shouldStop() {
            let now = WallClock.now()
            guard now < deadline else { return }
            try publisher.pump(now: clock.scenarioTime(atWall: now))
            var wait = deadline.nanoseconds - now.nanoseconds
            if let due = publisher.nextDeliveryTime {
                wait = min(wait, clock.wallTime(atScenario: due).nanoseconds - now.nanoseconds)
            }
            // Wake at least every 50 ms to notice a stop request.
            let milliseconds = Int32(max(0, min(wait, 50_000_000)) / 1_000_000)
            if ego != nil {
                if let verify = try ego?.receiveOne(timeoutMilliseconds: milliseconds, now: { clock.scenarioTime(atWall: WallClock.now()) }) {
                    verifiedWhileIdle.append(verify)
                }
            } else if milliseconds > 0 {
                usleep(UInt32(milliseconds) * 1000)
            } else {
                sched_yield()
            }
        }
    }

    /// One frame through the pipeline.
    private func process(_ frame: NodeFrame, index: Int, clock: ScenarioClock, loadNanoseconds: Int64) throws -> NodeFrameReport {
        let start = WallClock.monotonicNanoseconds()
        var stages: [NodeFrameReport.Stage] = [.init(name: "load", nanoseconds: loadNanoseconds)]
        func lap(_ name: String, since t: Int64) -> Int64 {
            let now = WallClock.monotonicNanoseconds()
            stages.append(.init(name: name, nanoseconds: now - t))
            return now
        }
        let own = try perception.perceive(frame.points, lidarPose: frame.pose)
        stages.append(.init(name: "encode", nanoseconds: own.encodeNanoseconds))
        stages.append(.init(name: "head", nanoseconds: own.headNanoseconds))
        if perception.boxRefiner != nil { stages.append(.init(name: "refine-own", nanoseconds: own.refineNanoseconds)) }

        var t = WallClock.monotonicNanoseconds()
        // An exact pose goes without a covariance: receivers read "unknown" as exact.
        let sendTime = max(frame.captureTime, clock.scenarioTime(atWall: WallClock.now()))
        let boxes = sentBoxes(own.boxes)
        let returns = perception.boxRefiner?.codedReturns(of: boxes, points: own.points, limit: returnsPerBox) ?? []
        let output = try messageEncoder.encode(
            features: own.features.map, confidence: own.confidence,
            frame: .init(sequence: UInt64(index) + 1, captureTime: frame.captureTime, sendTime: sendTime, pose: own.alignment.sharedToWorld,
                         poseCovarianceUpper: frame.poseUncertainty == .exact ? [] : frame.poseUncertainty.covarianceUpper,
                         boxes: boxes, boxReturns: returns))
        t = lap("message", since: t)
        try publisher.publish(output.bytes, now: sendTime)
        t = lap("publish", since: t)
        summary.messagesSent += 1
        let verifiedBefore = verifiedWhileIdle
        verifiedWhileIdle = []

        var report = NodeFrameReport(
            frameIndex: index, frameID: frame.frameID, captureTime: frame.captureTime, skippedBefore: 0, stages: stages,
            verifyNanoseconds: verifiedBefore,
            message: .init(bytes: output.bytes.count, cellsSent: output.selection.indices.count,
                           cellsTotal: output.selection.cellCount, sendTime: sendTime),
            detections: nil, collaborators: [])
        if ego != nil {
            try fuse(frame: frame, own: own, clock: clock, report: &report, lapStart: t)
        }
        report.stages.append(.init(name: "total", nanoseconds: WallClock.monotonicNanoseconds() - start))
        return report
    }

    /// The ego's half of a frame: wait, collect, decode, fuse, detect.
    private func fuse(frame: NodeFrame, own: NodePerception.Output, clock: ScenarioClock, report: inout NodeFrameReport, lapStart: Int64) throws {
        guard var role = ego else { return }
        defer { ego = role }
        var t = lapStart
        func lap(_ name: String) {
            let now = WallClock.monotonicNanoseconds()
            report.stages.append(.init(name: name, nanoseconds: now - t))
            t = now
        }
        let deadline = clock.wallTime(atScenario: Timestamp(nanoseconds: frame.captureTime.nanoseconds + Int64(role.deadlineSeconds * 1e9)))
        let scenarioNow = { clock.scenarioTime(atWall: WallClock.now()) }
        // Take what is already queued, then wait for the rest until the deadline.
        while let verify = try role.receiveOne(timeoutMilliseconds: 0, now: scenarioNow) { report.verifyNanoseconds.append(verify) }
        let expected = role.inbox.expected(from: role.collaborators, frameTime: frame.captureTime)
        while !role.inbox.hasCurrentMessage(from: expected, frameTime: frame.captureTime, windowSeconds: role.currentWindowSeconds) {
            let now = WallClock.now()
            guard now < deadline else { break }
            try publisher.pump(now: clock.scenarioTime(atWall: now))
            var wait = deadline.nanoseconds - now.nanoseconds
            if let due = publisher.nextDeliveryTime { wait = min(wait, clock.wallTime(atScenario: due).nanoseconds - now.nanoseconds) }
            let milliseconds = Int32(max(1, min(wait, 50_000_000) / 1_000_000))
            if let verify = try role.receiveOne(timeoutMilliseconds: milliseconds, now: scenarioNow) {
                report.verifyNanoseconds.append(verify)
            }
        }
        lap("receive-wait")

        var collaborators: [AgentObservation] = []
        for delivery in role.inbox.collect(for: frame.captureTime) {
            do {
                collaborators.append(try AgentObservation(message: delivery.message, codebook: role.codebook, history: delivery.history))
                report.collaborators.append((delivery.message.agentID, delivery.ageSeconds))
            } catch {
                summary.decodeFailures += 1
            }
        }
        summary.collaboratorsFused += collaborators.count
        lap("decode")

        let egoObservation = AgentObservation(
            agentID: agentID, captureTime: frame.captureTime, pose: own.alignment.sharedToWorld, poseUncertainty: frame.poseUncertainty,
            features: own.features.map, confidence: own.confidence, boxes: own.boxes, points: own.points)
        let shared: [Box3D]
        switch role.fusion.settings.mode {
        case .intermediate:
            let aligned = role.fusion.aligned(collaborators, to: egoObservation)
            let fused = try role.fusion.fuseFeatures(ego: egoObservation, collaborators: aligned)
            lap("fuse")
            let boxes = try (role.fusion.fusionHead ?? role.fusion.detector).detect(fused)
            lap("detect")
            shared = CooperativeDetector.withoutOwnVehicle(role.fusion.refined(boxes, ego: egoObservation, collaborators: aligned))
            lap("refine")
        case .none:
            // The head already ran (and refitted, when asked) on the ego's own map: its boxes are the
            // answer, as `CooperativeDetector.detect` gives it.
            shared = CooperativeDetector.withoutOwnVehicle(own.boxes)
            lap("detect")
        case .late, .early:
            // `detect` refits the boxes itself.
            shared = try role.fusion.detect(ego: egoObservation, collaborators: collaborators)
            lap("detect")
        }
        report.detections = own.alignment.lidar(shared)
    }

    /// After the last frame: sends what the link emulation still holds, for up to `drainSeconds`.
    private func drainDelayed(clock: ScenarioClock) throws {
        let limit = WallClock.now().nanoseconds + Int64(drainSeconds * 1e9)
        while let due = publisher.nextDeliveryTime {
            let now = WallClock.now()
            guard now.nanoseconds < limit else { break }
            let wait = clock.wallTime(atScenario: due).nanoseconds - now.nanoseconds
            if wait > 0 { usleep(UInt32(min(wait, 50_000_000) / 1000)) }
            try publisher.pump(now: clock.scenarioTime(atWall: WallClock.now()))
        }
    }

    /// The counts with the publisher's and ego's drop figures filled in.
    private func finalSummary() -> NodeRunSummary {
        var out = summary
        out.publisherPendingDropped = publisher.pendingDropCount
        for peer in peers {
            guard let link = publisher.link(to: peer) else { continue }
            out.linkLost[peer] = link.lostCount
            out.linkQueueDropped[peer] = link.queueDropCount
        }
        if let ego {
            out.messagesAccepted = ego.gate.acceptedCount
            out.messagesRejected = Dictionary(uniqueKeysWithValues: ego.gate.rejections.map { ($0.key.rawValue, $0.value) })
            out.messagesDiscarded = Dictionary(uniqueKeysWithValues: ego.inbox.discards.map { ($0.key.rawValue, $0.value) })
        }
        return out
    }
}

extension AgentNode {
    /// Which of its boxes a node puts in its messages.
    public enum BoxSharing: Sendable, Equatable {
        /// None: their bytes are better spent on cells within the byte budget.
        case none
        /// Every detection (late fusion reads them).
        case all
        /// The few confident boxes receivers align this sender's pose with.
        case anchors(BoxAgreementAlignment)
    }

    func sentBoxes(_ boxes: [Box3D]) -> [Box3D] {
        switch boxSharing {
        case .none: []
        case .all: boxes
        case .anchors(let alignment): alignment.anchors(from: boxes)
        }
    }
}
