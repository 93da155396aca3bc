import V2XCore

/// Scores detections against ground truth: AP at BEV IoU 0.3/0.5/0.7 with breakdowns by
/// range, class and visibility (DESIGN.md, "Evaluation protocol").
///
/// Steps:
/// 1. Pair each detections record with the ground-truth frame of the same
///    (scenario, ego, frame); ground-truth frames without a record have no detections.
/// 2. Keep boxes of `options.category` inside `options.region`.
/// 3. Per frame and threshold, match with `GreedyMatcher` (BEV IoUs computed once).
/// 4. Rank detections (globally by score, or frame by frame for `.opencood`; ties keep
///    frame order then in-frame order) and take `AveragePrecision.vocAllPoint`.
///
/// Cost: O(Σ detections × ground truth) circle tests per frame plus exact clipping only
/// for overlapping pairs, and one O(D log D) sort over all D detections.
public struct DetectionEvaluator: Sendable {
    /// The protocol's IoU thresholds, in report order.
    public static let thresholds: [Double] = [0.3, 0.5, 0.7]

    public var options: EvaluationOptions

    public init(options: EvaluationOptions = EvaluationOptions()) {
        self.options = options
    }

    /// Scores `predictions` against `groundTruth`.
    /// - Throws: `V2XError.invalidArgument` when two ground-truth frames or two detections
    ///   records share a (scenario, ego, frame); `.notFound` when a detections record has
    ///   no ground-truth frame (the message names it).
    public func evaluate(predictions: [FrameBoxes], groundTruth: [GroundTruthFrame]) throws -> EvaluationReport {
        let thresholdCount = Self.thresholds.count
        var frameIndex: [FrameKey: Int] = [:]
        for (i, frame) in groundTruth.enumerated() {
            let key = FrameKey(frame.record)
            guard frameIndex.updateValue(i, forKey: key) == nil else {
                throw V2XError(.invalidArgument, "ground truth lists \(key) twice")
            }
        }
        var detectionsOfFrame = [[Box3D]](repeating: [], count: groundTruth.count)
        var seen = Set<Int>()
        for record in predictions {
            let key = FrameKey(record)
            guard let i = frameIndex[key] else {
                throw V2XError(.notFound, "detections for \(key) have no ground truth (wrong scenario, ego or frame name?)")
            }
            guard seen.insert(i).inserted else {
                throw V2XError(.invalidArgument, "detections list \(key) twice")
            }
            detectionsOfFrame[i] = record.boxes
        }

        var gts = GroundTruthTable(thresholdCount: thresholdCount)
        var dets = DetectionTable(thresholdCount: thresholdCount)
        var frameResults: [FrameResult] = []
        for (f, frame) in groundTruth.enumerated() {
            let gtIndices = frame.record.boxes.indices.filter { isScored(frame.record.boxes[$0]) }
            let gtBoxes = gtIndices.map { frame.record.boxes[$0] }
            let detBoxes = detectionsOfFrame[f].filter(isScored)
            let gtBase = gts.count
            for i in gtIndices { gts.append(frame.record.boxes[i], visibility: frame.visibility[i], bins: options.rangeBins) }
            let overlaps = FrameOverlaps(detections: detBoxes, groundTruth: gtBoxes)
            let order = GreedyMatcher.rankingOrder(detBoxes)
            let matches = Self.thresholds.map { overlaps.match(order: order, threshold: $0) }
            var tp = [Int](repeating: 0, count: thresholdCount)
            for d in order {
                let matched = (0..<thresholdCount).map { t in matches[t][d].map { gtBase + $0 } }
                for t in 0..<thresholdCount {
                    if let g = matched[t] {
                        gts.matched[t][g] = true
                        tp[t] += 1
                    }
                }
                dets.append(detBoxes[d], matched: matched, bins: options.rangeBins)
            }
            if options.perFrame {
                frameResults.append(FrameResult(
                    scenario: frame.record.scenario, frame: frame.record.frame, ego: frame.record.ego,
                    groundTruthCount: gtBoxes.count, detectionCount: detBoxes.count,
                    truePositives: tp, falsePositives: tp.map { detBoxes.count - $0 }
                ))
            }
        }

        // Detections were appended frame by frame in per-frame order; a stable sort by
        // score gives the global ranking with ties kept in that order.
        var ranking = Array(0..<dets.count)
        if options.evaluationProtocol.sortsGlobally {
            ranking.sort { a, b in dets.score[a] != dets.score[b] ? dets.score[a] > dets.score[b] : a < b }
        }

        let overall = summary(gts: gts, dets: dets, ranking: ranking, gtIn: { _ in true }, detIn: { _ in true })
        let byRange = options.rangeBins.indices.map { b in
            NamedSummary(name: options.rangeBins[b].name, summary: summary(
                gts: gts, dets: dets, ranking: ranking, gtIn: { gts.rangeBin[$0] == b }, detIn: { dets.rangeBin[$0] == b }
            ))
        }
        let classes = ObjectClass.allCases.filter { c in
            c.category == options.category && (gts.label.contains(c) || dets.label.contains(c))
        }
        let byClass = classes.map { c in
            NamedSummary(name: c.rawValue, summary: summary(
                gts: gts, dets: dets, ranking: ranking, gtIn: { gts.label[$0] == c }, detIn: { dets.label[$0] == c }
            ))
        }
        var byVisibility: [NamedSummary<VisibilitySummary>]?
        if gts.visibility.contains(where: { $0 != nil }) {
            byVisibility = [("ego_visible", true), ("cooperative_only", false)].map { name, egoVisible in
                NamedSummary(name: name, summary: recall(gts: gts) { gts.visibility[$0]?.isEgoVisible == egoVisible })
            }
        }
        return EvaluationReport(
            evaluationProtocol: options.evaluationProtocol, category: options.category, region: options.region,
            frames: groundTruth.count, overall: overall, byRange: byRange, byClass: byClass,
            byVisibility: byVisibility, perFrame: options.perFrame ? frameResults : nil
        )
    }

    private func isScored(_ box: Box3D) -> Bool {
        box.label.category == options.category && options.region.contains(box)
    }

    /// AP and recall over the ground truth selected by `gtIn`. In the ranking a detection
    /// matched to selected ground truth is a true positive, an unmatched one selected by
    /// `detIn` a false positive, and any other is left out.
    private func summary(
        gts: GroundTruthTable, dets: DetectionTable, ranking: [Int], gtIn: (Int) -> Bool, detIn: (Int) -> Bool
    ) -> APSummary {
        let selected = (0..<gts.count).filter(gtIn)
        let n = selected.count
        var ap: [Double?] = []
        var rec: [Double?] = []
        for t in Self.thresholds.indices {
            var flags: [Bool] = []
            flags.reserveCapacity(ranking.count)
            for d in ranking {
                if let g = dets.matched[t][d] {
                    if gtIn(g) { flags.append(true) }
                } else if detIn(d) {
                    flags.append(false)
                }
            }
            ap.append(AveragePrecision.vocAllPoint(rankedTruePositives: flags, groundTruthCount: n))
            let hits = selected.reduce(0) { $0 + (gts.matched[t][$1] ? 1 : 0) }
            rec.append(n > 0 ? Double(hits) / Double(n) : nil)
        }
        return APSummary(
            groundTruthCount: n, detectionCount: (0..<dets.count).reduce(0) { $0 + (detIn($1) ? 1 : 0) },
            averagePrecision: ap, recall: rec
        )
    }

    private func recall(gts: GroundTruthTable, _ gtIn: (Int) -> Bool) -> VisibilitySummary {
        let selected = (0..<gts.count).filter(gtIn)
        let n = selected.count
        let rec: [Double?] = Self.thresholds.indices.map { t in
            n > 0 ? Double(selected.reduce(0) { $0 + (gts.matched[t][$1] ? 1 : 0) }) / Double(n) : nil
        }
        return VisibilitySummary(groundTruthCount: n, recall: rec)
    }
}

/// Identifies an ego frame across detection and ground-truth files.
private struct FrameKey: Hashable, CustomStringConvertible {
    var scenario: String
    var ego: String
    var frame: String

    init(_ r: FrameBoxes) {
        scenario = r.scenario; ego = r.ego; frame = r.frame
    }

    var description: String { "scenario \"\(scenario)\" ego \"\(ego)\" frame \"\(frame)\"" }
}

/// Scored ground truth of all frames, flattened (structure of arrays).
private struct GroundTruthTable {
    var rangeBin: [Int] = []
    var label: [ObjectClass] = []
    var visibility: [BoxVisibility?] = []
    /// `matched[t][g]`: box g was matched at threshold t.
    var matched: [[Bool]]
    var count: Int { label.count }

    init(thresholdCount: Int) { matched = Array(repeating: [], count: thresholdCount) }

    mutating func append(_ box: Box3D, visibility v: BoxVisibility?, bins: [RangeBin]) {
        rangeBin.append(Self.bin(of: box, in: bins))
        label.append(box.label)
        visibility.append(v)
        for t in matched.indices { matched[t].append(false) }
    }

    static func bin(of box: Box3D, in bins: [RangeBin]) -> Int {
        let distance = (box.x * box.x + box.y * box.y).squareRoot()
        return bins.firstIndex { $0.contains(distance: distance) } ?? -1
    }
}

/// Scored detections of all frames in per-frame ranking order, flattened.
private struct DetectionTable {
    var score: [Double] = []
    var rangeBin: [Int] = []
    var label: [ObjectClass] = []
    /// `matched[t][d]`: the global ground-truth index detection d matched at threshold t.
    var matched: [[Int?]]
    var count: Int { score.count }

    init(thresholdCount: Int) { matched = Array(repeating: [], count: thresholdCount) }

    mutating func append(_ box: Box3D, matched m: [Int?], bins: [RangeBin]) {
        score.append(box.score ?? 0)
        rangeBin.append(GroundTruthTable.bin(of: box, in: bins))
        label.append(box.label)
        for t in matched.indices { matched[t].append(m[t]) }
    }
}
