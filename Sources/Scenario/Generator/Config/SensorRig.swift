import Foundation
import V2XCore

/// How a LiDAR is mounted on an agent, from `calibration/rigs/<name>.yaml`.
///
/// ```yaml
/// name: roof-hdl64
/// kind: vehicle                  # vehicle | rsu
/// lidar: hdl64                   # calibration/lidars/hdl64.yaml
/// mount_height_m: 0.25           # vehicle: above the roof; rsu: above the ground (pole top)
/// mount_forward_m: 0.0           # along the vehicle's heading from its centre (vehicles only)
/// ```
public struct SensorRig: Sendable, Equatable {
    public let name: String
    /// Which agent kind the rig is for.
    public let kind: AgentKind
    /// Name of the LiDAR model file (without `.yaml`).
    public let lidarName: String
    /// Vehicle: sensor origin above the roof; roadside unit: above the ground. Metres.
    public let mountHeightMeters: Double
    /// Sensor origin ahead of the vehicle centre, metres (0 for roadside units).
    public let mountForwardMeters: Double

    /// - Throws: `V2XError.invalidArgument` for out-of-range values.
    public init(name: String, kind: AgentKind, lidarName: String, mountHeightMeters: Double, mountForwardMeters: Double) throws {
        let r = GeneratorYAML.require
        try r(!name.isEmpty, "name must not be empty")
        try r(!lidarName.isEmpty, "lidar must not be empty")
        switch kind {
        case .vehicle:
            try r(mountHeightMeters.isFinite && mountHeightMeters >= 0 && mountHeightMeters <= 2, "mount_height_m above a roof must be in [0, 2], got \(mountHeightMeters)")
            try r(mountForwardMeters.isFinite && abs(mountForwardMeters) <= 2, "mount_forward_m must be within ±2 m of the vehicle centre, got \(mountForwardMeters)")
        case .roadsideUnit:
            try r(mountHeightMeters.isFinite && mountHeightMeters >= 2 && mountHeightMeters <= 20, "a roadside unit's mount_height_m must be in [2, 20], got \(mountHeightMeters)")
            try r(mountForwardMeters == 0, "mount_forward_m applies to vehicles only; a roadside unit must give 0")
        }
        self.name = name
        self.kind = kind
        self.lidarName = lidarName
        self.mountHeightMeters = mountHeightMeters
        self.mountForwardMeters = mountForwardMeters
    }

    /// Reads a rig file.
    /// - Throws: `V2XError` naming the file when it is missing, malformed or out of range.
    public static func load(from url: URL) throws -> SensorRig {
        try GeneratorYAML.decode(SensorRig.self, from: url)
    }
}

extension SensorRig: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, kind
        case lidarName = "lidar"
        case mountHeightMeters = "mount_height_m"
        case mountForwardMeters = "mount_forward_m"
    }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kindName = try c.decode(String.self, forKey: .kind)
        guard let kind = AgentKind(rawValue: kindName) else {
            throw V2XError(.malformedData, "kind must be 'vehicle' or 'rsu', got '\(kindName)'")
        }
        try self.init(
            name: c.decode(String.self, forKey: .name), kind: kind, lidarName: c.decode(String.self, forKey: .lidarName),
            mountHeightMeters: c.decode(Double.self, forKey: .mountHeightMeters),
            mountForwardMeters: c.decodeIfPresent(Double.self, forKey: .mountForwardMeters) ?? 0
        )
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(kind.rawValue, forKey: .kind)
        try c.encode(lidarName, forKey: .lidarName)
        try c.encode(mountHeightMeters, forKey: .mountHeightMeters)
        try c.encode(mountForwardMeters, forKey: .mountForwardMeters)
    }
}
