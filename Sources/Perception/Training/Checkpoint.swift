import Foundation
import V2XCore

/// A resumable training state in one safetensors file:
///
/// ```
/// tensors:  model.<name>, adam.m.<name>, adam.v.<name>   for every model tensor
/// metadata: format = "v2x-checkpoint-1", config (JSON), options (JSON), step, best_score
/// ```
public struct Checkpoint: Sendable {
    public var network: DetectorNetwork
    public var optimizer: AdamW
    public var options: TrainingOptions
    /// Best validation score so far (higher is better), if any validation ran.
    public var bestScore: Double?

    public static let format = "v2x-checkpoint-1"

    public init(network: DetectorNetwork, optimizer: AdamW, options: TrainingOptions, bestScore: Double?) {
        self.network = network; self.optimizer = optimizer; self.options = options; self.bestScore = bestScore
    }

    /// Writes the checkpoint atomically.
    public func write(to url: URL) throws {
        let model = network.tensors
        var tensors = model.map { NamedTensor(name: "model.\($0.name)", shape: $0.shape, values: $0.values) }
        for (t, m) in zip(model, optimizer.m) { tensors.append(NamedTensor(name: "adam.m.\(t.name)", shape: t.shape, values: m)) }
        for (t, v) in zip(model, optimizer.v) { tensors.append(NamedTensor(name: "adam.v.\(t.name)", shape: t.shape, values: v)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var metadata = [
            "format": Self.format,
            "config": String(decoding: try encoder.encode(network.config), as: UTF8.self),
            "options": String(decoding: try encoder.encode(options), as: UTF8.self),
            "step": String(optimizer.step),
        ]
        if let bestScore { metadata["best_score"] = String(bestScore) }
        try SafeTensors.write(tensors, metadata: metadata, to: url)
    }

    /// Reads and validates a checkpoint.
    /// - Throws: `V2XError` naming the file when it is not a complete checkpoint of a valid model.
    public static func read(from url: URL) throws -> Checkpoint {
        let contents = try SafeTensors.read(from: url)
        let md = contents.metadata
        func bad(_ m: String) -> V2XError { V2XError(.malformedHeader, "checkpoint: \(m)", path: url.path) }
        guard md["format"] == format else { throw bad("format is \(md["format"] ?? "missing"), expected \(format)") }
        guard let configText = md["config"], let optionsText = md["options"], let stepText = md["step"], let step = Int(stepText) else {
            throw bad("metadata needs config, options and step")
        }
        let decoder = JSONDecoder()
        let config: DetectorConfig, options: TrainingOptions
        do {
            config = try decoder.decode(DetectorConfig.self, from: Data(configText.utf8))
            options = try decoder.decode(TrainingOptions.self, from: Data(optionsText.utf8))
        } catch {
            throw bad("config or options metadata is not valid JSON: \(error)")
        }
        try config.validate(path: url.path)
        try options.validate()
        var byName: [String: NamedTensor] = [:]
        for t in contents.tensors { byName[t.name] = t }
        func strip(_ prefix: String) -> [NamedTensor] {
            contents.tensors.filter { $0.name.hasPrefix(prefix) }.map {
                NamedTensor(name: String($0.name.dropFirst(prefix.count)), shape: $0.shape, values: $0.values)
            }
        }
        let network = try DetectorNetwork(config: config, tensors: strip("model."), path: url.path)
        let names = network.tensors.map(\.name)
        func moments(_ prefix: String) throws -> [[Float]] {
            try network.tensors.map { t in
                guard let m = byName[prefix + t.name], m.shape == t.shape, m.values.allSatisfy(\.isFinite) else {
                    throw V2XError(.shapeMismatch, "checkpoint: optimizer tensor \(prefix + t.name) is missing, misshapen or not finite", path: url.path)
                }
                return m.values
            }
        }
        guard contents.tensors.count == 3 * names.count else {
            throw V2XError(.shapeMismatch, "checkpoint holds \(contents.tensors.count) tensors, expected \(3 * names.count)", path: url.path)
        }
        let optimizer = try AdamW(
            sizes: network.tensors.map(\.elementCount), step: step, m: moments("adam.m."), v: moments("adam.v."),
            weightDecay: Float(options.weightDecay)
        )
        let best = md["best_score"].flatMap(Double.init)
        return Checkpoint(network: network, optimizer: optimizer, options: options, bestScore: best)
    }
}
