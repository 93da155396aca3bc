/// The label of a detected or annotated object, as written in detection files.
public enum ObjectClass: String, Sendable, Codable, CaseIterable, Hashable {
    case car, van, truck, bus, pedestrian, cyclist

    /// The coarse category used for detection and evaluation.
    public var category: ObjectCategory {
        switch self {
        case .car, .van, .truck, .bus: .vehicle
        case .pedestrian: .pedestrian
        case .cyclist: .cyclist
        }
    }
}

/// Coarse object categories: what the detector predicts and AP is computed over.
public enum ObjectCategory: String, Sendable, Codable, CaseIterable, Hashable {
    case vehicle, pedestrian, cyclist
}
