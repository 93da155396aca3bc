/// Which encoder runs on every agent.
public enum EncoderPrecision: String, Sendable, CaseIterable, Codable {
    case fp32, int8
}

/// What a collaborator puts on the air in one setting.
public enum SharedPayload: String, Sendable, CaseIterable, Codable {
    /// Nothing (no fusion).
    case nothing
    /// Its detections (late fusion), in a signed message without feature cells.
    case boxes
    /// Its raw sweep, 16 bytes a point (early fusion).
    case points
    /// Its whole feature map and confidence map, fp32, uncompressed: `cells × (channels + 1) × 4` bytes.
    case denseFeatures
    /// Confident cells within the byte budget as codebook codes, signed (the full stack).
    case codedFeatures

    /// The payload a fusion mode needs; `compressed` picks coded over dense features.
    public static func `for`(_ mode: FusionMode, compressed: Bool) -> SharedPayload {
        switch mode {
        case .none: .nothing
        case .late: .boxes
        case .early: .points
        case .intermediate: compressed ? .codedFeatures : .denseFeatures
        }
    }
}

/// One way to run the stack over a scenario: one row-and-condition of a results table.
public struct ReplaySetting: Sendable, Equatable, Codable {
    /// A short label, e.g. `full stack`.
    public var name: String
    public var fusion: FusionSettings
    public var precision: EncoderPrecision
    public var payload: SharedPayload
    /// How much older a collaborator's sweep is than the ego's: the newest collaborator frame
    /// captured at least this long before the ego's is the one fused.
    public var delaySeconds: Double
    /// Noise on collaborators' reported poses.
    public var poseNoise: PoseNoise
    /// Byte budget of a coded message; `nil` = the replay's default selector.
    public var budgetBytes: Int?

    public init(name: String, fusion: FusionSettings, precision: EncoderPrecision, payload: SharedPayload,
                delaySeconds: Double = 0, poseNoise: PoseNoise = .none, budgetBytes: Int? = nil) {
        self.name = name; self.fusion = fusion; self.precision = precision; self.payload = payload
        self.delaySeconds = delaySeconds; self.poseNoise = poseNoise; self.budgetBytes = budgetBytes
    }
}
