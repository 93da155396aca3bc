import Foundation
import V2XCore

/// The train / validation / test scenarios, from `scenarios/splits.yaml`:
///
/// ```yaml
/// splits:
///   - name: train
///     scenarios:
///       - {preset: intersection, seed: 101, frames: 80}
///   - name: test
///     scenarios:
///       - {preset: suburban-t-junction, seed: 301, frames: 60}   # a world train never sees
/// ```
/// Rules (checked on load): split and scenario names are unique; no seed appears in two
/// splits (so no world or traffic is shared between training and evaluation); when both
/// `train` and `test` exist, `test` holds at least one preset that `train` does not.
public struct ScenarioSplits: Sendable, Equatable {
    /// One scenario to generate.
    public struct Entry: Sendable, Equatable {
        public var preset: String
        public var seed: UInt64
        public var frames: Int
        /// Folder name: `<preset>_s<seed>`.
        public var name: String { "\(preset)_s\(seed)" }
    }

    /// A named list of scenarios.
    public struct Split: Sendable, Equatable {
        public var name: String
        public var scenarios: [Entry]
    }

    public var splits: [Split]

    /// Checks the rules above.
    /// - Throws: `V2XError.invalidArgument` naming the offending split, seed or preset.
    public init(splits: [Split]) throws {
        let r = GeneratorYAML.require
        try r(!splits.isEmpty, "no splits listed")
        var splitNames = Set<String>(), seedOwner: [UInt64: String] = [:]
        for split in splits {
            try r(!split.name.isEmpty && split.name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" },
                  "split name '\(split.name)' must be letters, digits, '-' or '_'")
            try r(splitNames.insert(split.name).inserted, "split '\(split.name)' is listed twice")
            try r(!split.scenarios.isEmpty, "split '\(split.name)' lists no scenarios")
            var names = Set<String>()
            for entry in split.scenarios {
                try r((1...10_000).contains(entry.frames), "\(split.name)/\(entry.name): frames must be in 1…10000, got \(entry.frames)")
                try r(names.insert(entry.name).inserted, "\(split.name)/\(entry.name) is listed twice")
                if let other = seedOwner[entry.seed], other != split.name {
                    throw V2XError(.invalidArgument, "seed \(entry.seed) is used by splits '\(other)' and '\(split.name)'; seeds must be disjoint across splits")
                }
                seedOwner[entry.seed] = split.name
            }
        }
        if let train = splits.first(where: { $0.name == "train" }), let test = splits.first(where: { $0.name == "test" }) {
            let trained = Set(train.scenarios.map(\.preset))
            try r(test.scenarios.contains { !trained.contains($0.preset) }, "the test split must hold at least one preset that train does not")
        }
        self.splits = splits
    }

    /// Reads and checks a splits file.
    /// - Throws: `V2XError` naming the file.
    public static func load(from url: URL) throws -> ScenarioSplits {
        try GeneratorYAML.decode(ScenarioSplits.self, from: url)
    }

    /// Total frames over all splits.
    public var totalFrames: Int { splits.reduce(0) { $0 + $1.scenarios.reduce(0) { $0 + $1.frames } } }

    /// Generates every scenario into `<directory>/<split>/<scenario>/`. Scenarios whose
    /// folder already holds a manifest describing the same data are kept (so an
    /// interrupted run resumes); others are (re)generated.
    /// - Parameters:
    ///   - progress: called after each frame with `(scenario name, frames done over all splits)`.
    /// - Returns: the scenario folders, in split order.
    @discardableResult
    public func generate(into directory: URL, projectRoot: URL, encoding: PCDEncoding = .binaryCompressed,
                         progress: (String, Int) -> Void = { _, _ in }) throws -> [URL] {
        var done = 0
        var folders: [URL] = []
        for split in splits {
            for entry in split.scenarios {
                let folder = directory.appendingPathComponent(split.name, isDirectory: true).appendingPathComponent(entry.name, isDirectory: true)
                folders.append(folder)
                let preset = try ScenarioPreset.load(named: entry.preset, projectRoot: projectRoot)
                let sensors = try SensorCatalog.load(for: preset, projectRoot: projectRoot)
                let scenario = try GeneratedScenario(preset: preset, sensors: sensors, seed: entry.seed, frameCount: entry.frames)
                let wanted = ScenarioManifest(scenario, encoding: encoding)
                if let existing = try? ScenarioManifest.load(fromScenario: folder), existing.describesSameData(as: wanted) {
                    done += entry.frames
                    progress(entry.name, done)
                    continue
                }
                let base = done
                try ScenarioExporter(encoding: encoding).write(scenario, to: folder, overwrite: true) { n in progress(entry.name, base + n) }
                done += entry.frames
            }
        }
        return folders
    }
}

extension ScenarioSplits: Decodable {
    private enum Keys: String, CodingKey, CaseIterable { case splits }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        try self.init(splits: c.decode([Split].self, forKey: .splits))
    }
}

extension ScenarioSplits.Split: Decodable {
    private enum Keys: String, CodingKey, CaseIterable { case name, scenarios }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        name = try c.decode(String.self, forKey: .name)
        scenarios = try c.decode([ScenarioSplits.Entry].self, forKey: .scenarios)
    }
}

extension ScenarioSplits.Entry: Decodable {
    private enum Keys: String, CodingKey, CaseIterable { case preset, seed, frames }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        preset = try c.decode(String.self, forKey: .preset)
        seed = try c.decode(UInt64.self, forKey: .seed)
        frames = try c.decode(Int.self, forKey: .frames)
    }
}
