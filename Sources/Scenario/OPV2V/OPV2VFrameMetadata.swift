import Foundation
import V2XCore
import Yams

/// The contents of one OPV2V `<agent>/<frame>.yaml` file, in our frame and units.
///
/// Keys read (CARLA frame, degrees, half extents, km/h in the file):
/// ```
/// lidar_pose: [x, y, z, roll, yaw, pitch]          # sensor → world
/// vehicles:                                        # optional; absent or empty = no objects
///   <id>: {location: [x, y, z], center: [dx, dy, dz], angle: [roll, yaw, pitch],
///          extent: [half_l, half_w, half_h], speed: km/h, obj_type: Car}   # obj_type optional
/// v2x_timestamp_ns: 3400000000                     # ours, optional
/// v2x_reported_lidar_pose: [x, y, z, roll, yaw, pitch]   # ours, optional
/// v2x_agent_kind: vehicle | rsu                    # ours, optional
/// ```
/// The box centre is `location + center` (OpenCOOD adds the offset unrotated). Other keys
/// (`ego_speed`, `true_ego_pos`, `predicted_ego_pos`, camera parameters, …) are not needed
/// by the stack and are not read.
public struct OPV2VFrameMetadata: Sendable, Equatable {
    /// True LiDAR pose, sensor → world.
    public var lidarPose: Pose
    /// The pose the agent believes (`v2x_reported_lidar_pose`); `nil` when the file has none.
    public var reportedLidarPose: Pose?
    /// The agent's clock at capture (`v2x_timestamp_ns`); `nil` when the file has none.
    public var timestamp: Timestamp?
    /// `v2x_agent_kind`; `nil` when the file has none.
    public var kind: AgentKind?
    /// Annotated objects in the world frame, sorted by id.
    public var objects: [SceneObject]

    public init(lidarPose: Pose, reportedLidarPose: Pose?, timestamp: Timestamp?, kind: AgentKind?, objects: [SceneObject]) {
        self.lidarPose = lidarPose; self.reportedLidarPose = reportedLidarPose
        self.timestamp = timestamp; self.kind = kind; self.objects = objects
    }

    /// Reads and parses a file.
    /// - Throws: `V2XError` naming the file: `.ioFailure` when it cannot be read, else as `parse`.
    public static func read(from url: URL) throws -> OPV2VFrameMetadata {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw V2XError(.ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        return try parse(text, path: url.path)
    }

    /// Parses the text of one file.
    /// - Parameters:
    ///   - text: the YAML document.
    ///   - path: the file name used in errors.
    /// - Throws: `V2XError` with `path` (and the line when known): `.malformedData` for
    ///   bad YAML or wrong types, `.notFound` for a missing key, `.shapeMismatch` for lists
    ///   of the wrong length, `.nonFiniteValue` for NaN or infinity.
    public static func parse(_ text: String, path: String) throws -> OPV2VFrameMetadata {
        let fields = YAMLFields(path: path)
        let root = try fields.rootMapping(of: text)

        let lidarPose = try pose(try fields.required("lidar_pose", in: root), name: "lidar_pose", fields: fields)
        let reported = try root["v2x_reported_lidar_pose"].map {
            try pose($0, name: "v2x_reported_lidar_pose", fields: fields)
        }
        let timestamp = try root["v2x_timestamp_ns"].map {
            Timestamp(nanoseconds: try fields.integer($0, name: "v2x_timestamp_ns"))
        }
        let kind = try root["v2x_agent_kind"].map { node -> AgentKind in
            let text = try fields.string(node, name: "v2x_agent_kind")
            guard let kind = AgentKind(rawValue: text) else {
                let choices = AgentKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw V2XError(.malformedData, "'v2x_agent_kind' is '\(text)', expected one of \(choices)", path: path, line: node.mark?.line)
            }
            return kind
        }

        var objects: [SceneObject] = []
        if let vehicles = root["vehicles"], !YAMLFields.isNull(vehicles) {
            guard let mapping = vehicles.mapping else {
                throw V2XError(.malformedData, "'vehicles' must be a mapping from id to object", path: path, line: vehicles.mark?.line)
            }
            var ids = Set<Int>()
            for (key, value) in mapping {
                let object = try object(key: key, value: value, fields: fields)
                guard ids.insert(object.id).inserted else {
                    throw V2XError(.malformedData, "vehicle \(object.id) is listed twice", path: path, line: key.mark?.line)
                }
                objects.append(object)
            }
        }
        objects.sort { $0.id < $1.id }
        return OPV2VFrameMetadata(lidarPose: lidarPose, reportedLidarPose: reported, timestamp: timestamp, kind: kind, objects: objects)
    }

    /// The file's text in OPV2V conventions (CARLA frame, degrees, half extents, km/h) plus
    /// our `v2x_…` keys, for `OPV2VWriter`.
    ///
    /// `true_ego_pos` and `predicted_ego_pos` repeat the true and reported LiDAR poses (we
    /// model no separate body frame). Each box is written as CARLA does: `location` at the
    /// bottom centre, `center` = `[0, 0, h/2]`. Every value must be finite.
    public func yamlText() -> String {
        let carla = CARLAConvention.carlaPose(from: lidarPose)
        let reportedCARLA = CARLAConvention.carlaPose(from: reportedLidarPose ?? lidarPose)
        var lines = [
            "# OPV2V frame metadata (CARLA frame: x forward, y right, z up; degrees; half extents; km/h)",
            "lidar_pose: \(YAMLNumber.list(carla))",
            "true_ego_pos: \(YAMLNumber.list(carla))",
            "predicted_ego_pos: \(YAMLNumber.list(reportedCARLA))",
        ]
        if objects.isEmpty {
            lines.append("vehicles: {}")
        } else {
            lines.append("vehicles:")
            for object in objects.sorted(by: { $0.id < $1.id }) {
                let box = object.box
                let bottom = CARLAConvention.mirrored(SIMD3(box.x, box.y, box.z - box.h / 2))
                lines += [
                    "  \(object.id):",
                    "    angle: \(YAMLNumber.list([0, CARLAConvention.carlaYawDegrees(fromRadians: box.yaw), 0]))",
                    "    center: \(YAMLNumber.list([0, 0, box.h / 2]))",
                    "    extent: \(YAMLNumber.list([box.l / 2, box.w / 2, box.h / 2]))",
                    "    location: \(YAMLNumber.list([bottom.x, bottom.y, bottom.z]))",
                    "    obj_type: \(OPV2VObjectType.name(of: box.label))",
                    "    speed: \(YAMLNumber.format(object.speedMetersPerSecond * CARLAConvention.kilometersPerHourPerMeterPerSecond))",
                ]
            }
        }
        if let kind { lines.append("v2x_agent_kind: \(kind.rawValue)") }
        if let reportedLidarPose {
            lines.append("v2x_reported_lidar_pose: \(YAMLNumber.list(CARLAConvention.carlaPose(from: reportedLidarPose)))")
        }
        if let timestamp { lines.append("v2x_timestamp_ns: \(timestamp.nanoseconds)") }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pose(_ node: Node, name: String, fields: YAMLFields) throws -> Pose {
        try CARLAConvention.pose(fromCARLA: try fields.numbers(node, name: name, count: 6))
    }

    private static func object(key: Node, value: Node, fields: YAMLFields) throws -> SceneObject {
        guard let keyText = key.scalar?.string, let id = Int(keyText) else {
            throw V2XError(.malformedData, "vehicle ids must be integers, found '\(key.scalar?.string ?? "a collection")'", path: fields.path, line: key.mark?.line)
        }
        guard let mapping = value.mapping else {
            throw V2XError(.malformedData, "vehicle \(id) must be a mapping", path: fields.path, line: value.mark?.line)
        }
        let context = "vehicles.\(id)."
        func list(_ name: String) throws -> [Double] {
            try fields.numbers(try fields.required(name, in: mapping, context: context), name: context + name, count: 3)
        }
        let location = try list("location"), center = try list("center"), angle = try list("angle"), extent = try list("extent")
        let speed = try fields.number(try fields.required("speed", in: mapping, context: context), name: context + "speed")
        guard extent.allSatisfy({ $0 >= 0 }) else {
            throw V2XError(.malformedData, "'\(context)extent' must not be negative: \(extent)", path: fields.path, line: mapping.mark?.line)
        }
        var label = ObjectClass.car
        if let typeNode = mapping["obj_type"] ?? mapping["type"] {
            let name = try fields.string(typeNode, name: context + "obj_type")
            guard let parsed = OPV2VObjectType.objectClass(named: name) else {
                throw V2XError(.malformedData, "unknown object type '\(name)' for vehicle \(id)", path: fields.path, line: typeNode.mark?.line)
            }
            label = parsed
        }
        let centre = CARLAConvention.mirrored(SIMD3(location[0] + center[0], location[1] + center[1], location[2] + center[2]))
        let box = Box3D(
            x: centre.x, y: centre.y, z: centre.z,
            l: 2 * extent[0], w: 2 * extent[1], h: 2 * extent[2],
            yaw: CARLAConvention.yawRadians(fromCARLADegrees: angle[1]), label: label
        )
        return SceneObject(id: id, box: box, speedMetersPerSecond: speed / CARLAConvention.kilometersPerHourPerMeterPerSecond)
    }
}
