import Foundation
import V2XCore
import Yams

extension LaunchFile {
    /// Reads and validates a launch file.
    /// - Throws: `V2XError.notFound` when the file is missing; `.malformedData` for bad YAML,
    ///   unknown keys or wrong types; `.invalidArgument` for values out of range; each names
    ///   the file and the field.
    public static func load(from url: URL) throws -> LaunchFile {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw V2XError(missing ? .notFound : .ioFailure, missing ? "no such launch file" : "cannot read launch file: \(error.localizedDescription)", path: url.path)
        }
        return try LaunchFile(yaml: text, path: url.path)
    }

    /// Parses and validates launch-file YAML; `path` names the source in errors.
    public init(yaml: String, path: String? = nil) throws {
        let raw: RawLaunch
        do {
            raw = try YAMLDecoder().decode(RawLaunch.self, from: yaml)
        } catch var error as V2XError {
            error.path = path
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw V2XError(.malformedData, "launch file: missing field '\(Self.field(context.codingPath + [key]))'", path: path)
        } catch let DecodingError.typeMismatch(_, context) {
            throw V2XError(.malformedData, "launch file field '\(Self.field(context.codingPath))': wrong type (\(context.debugDescription))", path: path)
        } catch let DecodingError.valueNotFound(_, context) {
            throw V2XError(.malformedData, "launch file field '\(Self.field(context.codingPath))': missing value", path: path)
        } catch let DecodingError.dataCorrupted(context) {
            if var inner = context.underlyingError as? V2XError {
                inner.path = path
                throw inner
            }
            throw V2XError(.malformedData, "launch file field '\(Self.field(context.codingPath))': \(context.debugDescription)", path: path)
        } catch {
            throw V2XError(.malformedData, "launch file is not valid YAML: \(error)", path: path)
        }
        self = raw.launch
        do { try validate() } catch var error as V2XError {
            error.path = path
            throw error
        }
    }

    /// `a.b[2].c` for a coding path.
    static func field(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
}

/// A coding key for any string, to list the keys a mapping holds.
struct LaunchAnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

/// Throws when the mapping being decoded holds a key outside `allowed`: a misspelt key must
/// not leave a default silently in place.
func rejectUnknownLaunchKeys(in decoder: any Decoder, allowed: [String]) throws {
    let keys = try decoder.container(keyedBy: LaunchAnyKey.self).allKeys.map(\.stringValue)
    let unknown = keys.filter { !allowed.contains($0) }.sorted()
    guard unknown.isEmpty else {
        let place = LaunchFile.field(decoder.codingPath)
        throw V2XError(.malformedData, "launch file: unknown field\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\(place.isEmpty ? "" : place + ".")\($0)'" }.joined(separator: ", ")); expected one of \(allowed.joined(separator: ", "))")
    }
}

/// The file's shape: every field optional where the format has a default.
private struct RawLaunch: Decodable {
    var launch: LaunchFile

    enum Keys: String, CodingKey, CaseIterable {
        case scenario, ego, precision, model, codebook, fusion, selection, agents, links, speed
        case rateHz = "rate_hz", deadlineMs = "deadline_ms", maxAgeMs = "max_age_ms"
    }

    init(from decoder: any Decoder) throws {
        try rejectUnknownLaunchKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        var launch = LaunchFile(agents: try c.decode([RawAgent].self, forKey: .agents).map(\.agent))
        if let scenario = try c.decodeIfPresent(String.self, forKey: .scenario) {
            launch.scenario = scenario == "default" ? nil : scenario
        }
        launch.ego = try c.decodeIfPresent(String.self, forKey: .ego)
        launch.rateHz = try c.decodeIfPresent(Double.self, forKey: .rateHz) ?? launch.rateHz
        launch.speed = try c.decodeIfPresent(Double.self, forKey: .speed) ?? launch.speed
        launch.precision = try c.decodeIfPresent(EncoderPrecision.self, forKey: .precision) ?? launch.precision
        launch.model = try c.decodeIfPresent(String.self, forKey: .model) ?? launch.model
        launch.codebook = try c.decodeIfPresent(String.self, forKey: .codebook) ?? launch.codebook
        launch.fusion = try c.decodeIfPresent(RawFusion.self, forKey: .fusion)?.fusion ?? launch.fusion
        launch.deadlineSeconds = try c.decodeIfPresent(Double.self, forKey: .deadlineMs).map { $0 / 1000 } ?? launch.deadlineSeconds
        launch.maxAgeSeconds = try c.decodeIfPresent(Double.self, forKey: .maxAgeMs).map { $0 / 1000 } ?? launch.maxAgeSeconds
        launch.selection = try c.decodeIfPresent(RawSelection.self, forKey: .selection)?.selection ?? launch.selection
        launch.links = try c.decodeIfPresent(RawLinks.self, forKey: .links)?.links ?? launch.links
        self.launch = launch
    }
}

private struct RawFusion: Decodable {
    var fusion = LaunchFile.Fusion()
    enum Keys: String, CodingKey, CaseIterable {
        case mode, `operator`, trust
        case poseCorrection = "pose_correction"
        case motionCompensation = "motion_compensation"
        case refineBoxes = "refine_boxes"
        case adoptBoxes = "adopt_boxes"
        case addMissedBoxes = "add_missed_boxes"
        case boxReturns = "box_returns"
        case rescore
    }

    init(from decoder: any Decoder) throws {
        try rejectUnknownLaunchKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        fusion.mode = try c.decodeIfPresent(FusionMode.self, forKey: .mode) ?? fusion.mode
        fusion.fusionOperator = try c.decodeIfPresent(FusionOperator.self, forKey: .operator) ?? fusion.fusionOperator
        fusion.trust = try c.decodeIfPresent(Bool.self, forKey: .trust) ?? fusion.trust
        fusion.poseCorrection = try c.decodeIfPresent(Bool.self, forKey: .poseCorrection) ?? fusion.poseCorrection
        fusion.motionCompensation = try c.decodeIfPresent(Bool.self, forKey: .motionCompensation) ?? fusion.motionCompensation
        fusion.refineBoxes = try c.decodeIfPresent(Bool.self, forKey: .refineBoxes) ?? fusion.refineBoxes
        fusion.adoptBoxes = try c.decodeIfPresent(Bool.self, forKey: .adoptBoxes) ?? fusion.adoptBoxes
        fusion.addMissedBoxes = try c.decodeIfPresent(Bool.self, forKey: .addMissedBoxes) ?? fusion.addMissedBoxes
        fusion.boxReturns = try c.decodeIfPresent(Int.self, forKey: .boxReturns) ?? fusion.boxReturns
        fusion.rescore = try c.decodeIfPresent(Bool.self, forKey: .rescore) ?? fusion.rescore
    }
}

private struct RawSelection: Decodable {
    var selection = LaunchFile.Selection()
    enum Keys: String, CodingKey, CaseIterable {
        case budgetBytes = "budget_bytes", confidenceThreshold = "confidence_threshold"
    }

    init(from decoder: any Decoder) throws {
        try rejectUnknownLaunchKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        selection.budgetBytes = try c.decodeIfPresent(Int.self, forKey: .budgetBytes) ?? selection.budgetBytes
        selection.confidenceThreshold = try c.decodeIfPresent(Float.self, forKey: .confidenceThreshold) ?? selection.confidenceThreshold
    }
}

private struct RawAgent: Decodable {
    var agent: LaunchFile.Agent
    enum Keys: String, CodingKey, CaseIterable { case id, endpoint }

    init(from decoder: any Decoder) throws {
        try rejectUnknownLaunchKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        agent = LaunchFile.Agent(id: try c.decode(String.self, forKey: .id), endpoint: try c.decode(String.self, forKey: .endpoint))
    }
}

private struct RawLink: Decodable {
    var link = LaunchFile.Link()
    enum Keys: String, CodingKey, CaseIterable {
        case delayMs = "delay_ms", jitterMs = "jitter_ms", loss, bandwidthMbps = "bandwidth_mbps"
    }

    init(from decoder: any Decoder) throws {
        try rejectUnknownLaunchKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue) + ["from", "to"])
        let c = try decoder.container(keyedBy: Keys.self)
        link = LaunchFile.Link(
            delayMilliseconds: try c.decodeIfPresent(Double.self, forKey: .delayMs),
            jitterMilliseconds: try c.decodeIfPresent(Double.self, forKey: .jitterMs),
            loss: try c.decodeIfPresent(Double.self, forKey: .loss),
            bandwidthMegabitsPerSecond: try c.decodeIfPresent(Double.self, forKey: .bandwidthMbps))
    }
}

private struct RawOverride: Decodable {
    var override: LaunchFile.LinkOverride
    enum Keys: String, CodingKey { case from, to }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        override = LaunchFile.LinkOverride(
            from: try c.decode(String.self, forKey: .from), to: try c.decode(String.self, forKey: .to),
            link: try RawLink(from: decoder).link)
    }
}

private struct RawLinks: Decodable {
    var links = LaunchFile.Links()
    enum Keys: String, CodingKey, CaseIterable { case `default`, overrides }

    init(from decoder: any Decoder) throws {
        try rejectUnknownLaunchKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        if let link = try c.decodeIfPresent(RawLink.self, forKey: .default) {
            guard try link.isPlainLink(decoder: c.superDecoder(forKey: .default)) else {
                throw V2XError(.malformedData, "launch file field 'links.default': 'from'/'to' belong in links.overrides")
            }
            links.defaultLink = link.link
        }
        links.overrides = try c.decodeIfPresent([RawOverride].self, forKey: .overrides)?.map(\.override) ?? []
    }
}

private extension RawLink {
    /// Whether the mapping has no `from`/`to` (they are allowed only in overrides).
    func isPlainLink(decoder: any Decoder) throws -> Bool {
        let keys = try decoder.container(keyedBy: LaunchAnyKey.self).allKeys.map(\.stringValue)
        return !keys.contains("from") && !keys.contains("to")
    }
}
