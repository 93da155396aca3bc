import V2XCore

/// The detector's layers and their forward and backward passes, split at the seam that
/// intermediate fusion needs (see `DetectorConfig` for the picture):
///
/// - `encode`: pillars → `(H/2, W/2, C1+U)` feature map (what an agent shares)
/// - `head`:   feature map → `(H/2, W/2, K+8)` heatmap logits and box regression
///
/// Parameters are listed by `tensors` in a fixed order: the encoder's first
/// (`encoderTensorCount` of them), then the head's. Gradients come back in the same order.
public struct DetectorNetwork: Sendable, Equatable {
    public let config: DetectorConfig
    public var pillarEncoder: PillarEncoder
    public var stage1: [Conv2D]
    public var stage2: [Conv2D]
    public var upsample: Upsample2x
    public var headHidden: Conv2D
    public var headOutput: Conv2D

    /// Initial heatmap bias: sigmoid(−2.19) ≈ 0.1, the usual CenterNet prior that keeps the
    /// focal loss from being swamped by the background at the start of training.
    public static let heatmapPriorBias: Float = -2.19

    /// A freshly initialised network (He-normal weights).
    /// - Throws: `V2XError.invalidArgument` when the config is invalid.
    public init<G: RandomNumberGenerator>(config: DetectorConfig, using rng: inout G) throws {
        try config.validate()
        self.config = config
        pillarEncoder = PillarEncoder(outChannels: config.pillarChannels, using: &rng)
        var s1: [Conv2D] = []
        for i in 0..<config.stage1Convs {
            let cin = i == 0 ? config.pillarChannels : config.stage1Channels
            s1.append(Conv2D(inChannels: cin, outChannels: config.stage1Channels, kernel: 3, stride: i == 0 ? 2 : 1, using: &rng))
        }
        var s2: [Conv2D] = []
        for i in 0..<config.stage2Convs {
            let cin = i == 0 ? config.stage1Channels : config.stage2Channels
            s2.append(Conv2D(inChannels: cin, outChannels: config.stage2Channels, kernel: 3, stride: i == 0 ? 2 : 1, using: &rng))
        }
        stage1 = s1; stage2 = s2
        upsample = Upsample2x(inChannels: config.stage2Channels, outChannels: config.upsampleChannels, using: &rng)
        headHidden = Conv2D(inChannels: config.featureChannels, outChannels: config.headChannels, kernel: 3, using: &rng)
        var out = Conv2D(inChannels: config.headChannels, outChannels: config.headOutputChannels, kernel: 1, using: &rng)
        // The output layer is not followed by ReLU: a smaller start keeps early regressions tame.
        out.weight = out.weight.map { $0 * 0.1 }
        for k in 0..<config.classes.count { out.bias[k] = Self.heatmapPriorBias }
        headOutput = out
    }

    /// A network from stored tensors, which must be exactly the set `tensors` lists for
    /// `config`, with the same shapes.
    /// - Throws: `V2XError.shapeMismatch` / `.notFound` naming the offending tensor, `.nonFiniteValue` for NaN/inf weights.
    public init(config: DetectorConfig, tensors: [NamedTensor], path: String? = nil) throws {
        // Build the layer shapes (their initial values are all replaced by `load`).
        var rng = SplitMix64(seed: 0)
        var network = try DetectorNetwork(config: config, using: &rng)
        try network.load(tensors, path: path)
        self = network
    }

    /// All parameters, encoder first. Shapes: pillar `(9, P)`, convolutions `(k, k, Cin, Cout)`,
    /// upsampling `(Cin, 2, 2, Cout)`, biases `(Cout)`.
    public var tensors: [NamedTensor] {
        var out = [
            NamedTensor(name: "pillar.weight", shape: [Pillars.featureCount, pillarEncoder.outChannels], values: pillarEncoder.weight),
            NamedTensor(name: "pillar.bias", shape: [pillarEncoder.outChannels], values: pillarEncoder.bias),
        ]
        func conv(_ name: String, _ c: Conv2D) {
            out.append(NamedTensor(name: "\(name).weight", shape: [c.kernel, c.kernel, c.inChannels, c.outChannels], values: c.weight))
            out.append(NamedTensor(name: "\(name).bias", shape: [c.outChannels], values: c.bias))
        }
        for (i, c) in stage1.enumerated() { conv("stage1.\(i)", c) }
        for (i, c) in stage2.enumerated() { conv("stage2.\(i)", c) }
        out.append(NamedTensor(name: "upsample.weight", shape: [upsample.inChannels, 2, 2, upsample.outChannels], values: upsample.weight))
        out.append(NamedTensor(name: "upsample.bias", shape: [upsample.outChannels], values: upsample.bias))
        conv("head.hidden", headHidden)
        conv("head.output", headOutput)
        return out
    }

    /// How many of `tensors` belong to the encoder half.
    public var encoderTensorCount: Int { 2 + 2 * stage1.count + 2 * stage2.count + 2 }

    /// Replaces every parameter from `tensors` (any order, matched by name).
    /// - Throws: `V2XError` when a tensor is missing, unexpected, misshapen or not finite.
    public mutating func load(_ tensors: [NamedTensor], path: String? = nil) throws {
        let expected = self.tensors
        var byName: [String: NamedTensor] = [:]
        for t in tensors {
            guard byName[t.name] == nil else { throw V2XError(.malformedData, "tensor \(t.name) appears twice", path: path) }
            byName[t.name] = t
        }
        let expectedNames = Set(expected.map(\.name))
        if let extra = byName.keys.sorted().first(where: { !expectedNames.contains($0) }) {
            throw V2XError(.shapeMismatch, "tensor \(extra) is not part of this model's config", path: path)
        }
        var values: [[Float]] = []
        for e in expected {
            guard let t = byName[e.name] else { throw V2XError(.notFound, "tensor \(e.name) is missing", path: path) }
            guard t.shape == e.shape, t.values.count == e.elementCount else {
                throw V2XError(.shapeMismatch, "tensor \(e.name) has shape \(t.shape), the config needs \(e.shape)", path: path)
            }
            guard t.values.allSatisfy(\.isFinite) else { throw V2XError(.nonFiniteValue, "tensor \(e.name) holds NaN or infinity", path: path) }
            values.append(t.values)
        }
        try assign(values)
    }

    /// Sets parameters from arrays in `tensors` order (sizes already checked by the caller or here).
    /// - Throws: `V2XError.shapeMismatch` when the count or a size is wrong.
    public mutating func assign(_ values: [[Float]]) throws {
        let shapes = tensors
        guard values.count == shapes.count else {
            throw V2XError(.shapeMismatch, "expected \(shapes.count) parameter arrays, got \(values.count)")
        }
        for (v, t) in zip(values, shapes) where v.count != t.elementCount {
            throw V2XError(.shapeMismatch, "parameter \(t.name) needs \(t.elementCount) values, got \(v.count)")
        }
        var i = 0
        func next() -> [Float] { defer { i += 1 }; return values[i] }
        pillarEncoder.weight = next(); pillarEncoder.bias = next()
        for j in stage1.indices { stage1[j].weight = next(); stage1[j].bias = next() }
        for j in stage2.indices { stage2[j].weight = next(); stage2[j].bias = next() }
        upsample.weight = next(); upsample.bias = next()
        headHidden.weight = next(); headHidden.bias = next()
        headOutput.weight = next(); headOutput.bias = next()
    }

    // MARK: Encoder half

    /// Intermediate values of `encode` that `encodeBackward` needs.
    public struct EncoderCache: Sendable {
        let pillar: PillarEncoder.Cache
        let stage1: [(Conv2D.Cache, FeatureMap)]
        let stage2: [(Conv2D.Cache, FeatureMap)]
        let upsample: Upsample2x.Cache
        let upsampled: FeatureMap
    }

    /// Pillars → shared feature map `(H/2, W/2, C1+U)`.
    public func encode(_ pillars: Pillars) throws -> (features: FeatureMap, cache: EncoderCache) {
        let (scattered, pillarCache) = try pillarEncoder.forward(pillars)
        let (s1, c1) = try runStage(stage1, scattered)
        let (s2, c2) = try runStage(stage2, s1)
        return try encodeNeck(pillarCache: pillarCache, s1: s1, c1: c1, s2: s2, c2: c2)
    }

    private func encodeNeck(
        pillarCache: PillarEncoder.Cache, s1: FeatureMap, c1: [(Conv2D.Cache, FeatureMap)],
        s2: FeatureMap, c2: [(Conv2D.Cache, FeatureMap)]
    ) throws -> (features: FeatureMap, cache: EncoderCache) {
        let (upRaw, upCache) = try upsample.forward(s2)
        let up = ReLU.forward(upRaw)
        let features = try ChannelConcat.forward(s1, up)
        return (features, EncoderCache(pillar: pillarCache, stage1: c1, stage2: c2, upsample: upCache, upsampled: up))
    }

    private func runStage(_ layers: [Conv2D], _ input: FeatureMap) throws -> (FeatureMap, [(Conv2D.Cache, FeatureMap)]) {
        var x = input
        var caches: [(Conv2D.Cache, FeatureMap)] = []
        for layer in layers {
            let (z, cache) = try layer.forward(x)
            x = ReLU.forward(z)
            caches.append((cache, x))
        }
        return (x, caches)
    }

    private func backStage(
        _ layers: [Conv2D], _ caches: [(Conv2D.Cache, FeatureMap)], _ dOut: FeatureMap, needInput: Bool
    ) throws -> (FeatureMap, [[Float]]) {
        var d = dOut
        var grads: [[Float]] = []
        for i in layers.indices.reversed() {
            let dz = try ReLU.backward(d, output: caches[i].1)
            let (dx, g) = try layers[i].backward(dz, cache: caches[i].0, needInputGradient: needInput || i > 0)
            grads.insert(contentsOf: [g.weight, g.bias], at: 0)
            d = dx
        }
        return (d, grads)
    }

    /// Encoder parameter gradients (the first `encoderTensorCount` of `tensors`' order) given
    /// the gradient with respect to the shared feature map.
    public func encodeBackward(_ dFeatures: FeatureMap, cache: EncoderCache) throws -> [[Float]] {
        let (dS1Direct, dUp) = try ChannelConcat.backward(dFeatures, channelsA: config.stage1Channels)
        let dUpRaw = try ReLU.backward(dUp, output: cache.upsampled)
        let (dS2, upGrads) = try upsample.backward(dUpRaw, cache: cache.upsample)
        let (dS1FromS2, s2Grads) = try backStage(stage2, cache.stage2, dS2, needInput: true)
        var dS1 = dS1Direct
        for i in dS1.values.indices { dS1.values[i] += dS1FromS2.values[i] }
        let (dScattered, s1Grads) = try backStage(stage1, cache.stage1, dS1, needInput: true)
        let pillarGrads = try pillarEncoder.backward(dScattered, cache: cache.pillar)
        return [pillarGrads.weight, pillarGrads.bias] + s1Grads + s2Grads + [upGrads.weight, upGrads.bias]
    }

    // MARK: Head half

    /// Intermediate values of `head` that `headBackward` needs.
    public struct HeadCache: Sendable {
        let hidden: Conv2D.Cache
        let hiddenOutput: FeatureMap
        let output: Conv2D.Cache
    }

    /// Feature map → head output `(H/2, W/2, K+8)`: heatmap logits, then regression.
    /// - Throws: `V2XError.shapeMismatch` when the map has the wrong channel count.
    public func head(_ features: FeatureMap) throws -> (output: FeatureMap, cache: HeadCache) {
        let (z, hiddenCache) = try headHidden.forward(features)
        let hidden = ReLU.forward(z)
        let (out, outCache) = try headOutput.forward(hidden)
        return (out, HeadCache(hidden: hiddenCache, hiddenOutput: hidden, output: outCache))
    }

    /// The gradient with respect to the feature map and the head's parameter gradients
    /// (the last four of `tensors`' order) given the gradient of the head output.
    public func headBackward(_ dOutput: FeatureMap, cache: HeadCache) throws -> (featureGradient: FeatureMap, gradients: [[Float]]) {
        let (dHidden, outGrads) = try headOutput.backward(dOutput, cache: cache.output)
        let dz = try ReLU.backward(dHidden, output: cache.hiddenOutput)
        let (dFeatures, hiddenGrads) = try headHidden.backward(dz, cache: cache.hidden)
        return (dFeatures, [hiddenGrads.weight, hiddenGrads.bias, outGrads.weight, outGrads.bias])
    }
}
