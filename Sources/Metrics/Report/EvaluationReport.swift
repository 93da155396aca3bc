import Foundation

import V2XCore

/// The result of `v2x eval`: AP and recall overall and broken down, plus (when their logs
/// are given) communication volume and latency. Encodes to the JSON documented in
/// docs/eval-json.md; `lines(markdown:)` renders it as a table.
public struct EvaluationReport: Sendable, Equatable, Encodable {
    public var evaluationProtocol: EvaluationProtocol
    public var category: ObjectCategory
    public var region: EvaluationRegion
    /// Frames scored (every ground-truth frame).
    public var frames: Int
    /// All scored ground truth and detections.
    public var overall: APSummary
    /// By distance from the ego (`RangeBin.name` keys). A bin holds the ground truth whose
    /// centre lies in it; a detection matched to such a box counts as a true positive,
    /// an unmatched detection counts as a false positive in the bin of its own centre,
    /// and detections matched to ground truth of another bin are left out.
    public var byRange: [NamedSummary<APSummary>]
    /// By ground-truth label within the category (`ObjectClass` raw values), with the same
    /// rule as `byRange`: unmatched detections count in the bin of their predicted label.
    public var byClass: [NamedSummary<APSummary>]
    /// Recall of ego-visible (`"ego_visible"`) and cooperative-only (`"cooperative_only"`)
    /// ground truth; nil when no scored box carries visibility.
    public var byVisibility: [NamedSummary<VisibilitySummary>]?
    /// Every frame's counts, when asked for.
    public var perFrame: [FrameResult]?
    /// Communication volume from a message log, when given.
    public var communication: CommunicationSummary?
    /// Per-stage latency from a node log, when given.
    public var latency: LatencySummary?

    public init(
        evaluationProtocol: EvaluationProtocol, category: ObjectCategory, region: EvaluationRegion, frames: Int,
        overall: APSummary, byRange: [NamedSummary<APSummary>], byClass: [NamedSummary<APSummary>],
        byVisibility: [NamedSummary<VisibilitySummary>]?, perFrame: [FrameResult]? = nil,
        communication: CommunicationSummary? = nil, latency: LatencySummary? = nil
    ) {
        self.evaluationProtocol = evaluationProtocol; self.category = category; self.region = region
        self.frames = frames; self.overall = overall; self.byRange = byRange; self.byClass = byClass
        self.byVisibility = byVisibility; self.perFrame = perFrame
        self.communication = communication; self.latency = latency
    }

    public func encode(to encoder: any Encoder) throws {
        try overall.encode(to: encoder)
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(evaluationProtocol, forKey: "protocol")
        try c.encode(category, forKey: "category")
        try c.encode(region, forKey: "region")
        try c.encode(frames, forKey: "frames")
        try c.encode(Self.keyed(byRange), forKey: "by_range")
        try c.encode(Self.keyed(byClass), forKey: "by_class")
        try c.encode(byVisibility.map(Self.keyed), forKey: "by_visibility")
        if let perFrame { try c.encode(perFrame, forKey: "per_frame") }
        if let communication { try c.encode(communication, forKey: "communication") }
        if let latency { try c.encode(latency, forKey: "latency") }
    }

    private static func keyed<S>(_ bins: [NamedSummary<S>]) -> [String: S] {
        Dictionary(bins.map { ($0.name, $0.summary) }, uniquingKeysWith: { first, _ in first })
    }
}

extension EvaluationReport {
    /// The report as pretty-printed JSON with sorted keys (docs/eval-json.md).
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
