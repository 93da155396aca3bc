/// What carries a LiDAR: a connected vehicle or a roadside unit (infrastructure).
public enum AgentKind: String, Sendable, Codable, CaseIterable, Hashable {
    case vehicle
    case roadsideUnit = "rsu"
}
