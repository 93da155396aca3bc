import Foundation
import V2XCore

/// A DAIR-V2X-C root (`cooperative-vehicle-infrastructure/`) as a two-agent scenario.
///
/// ```
/// <root>/cooperative/data_info.json          pairs: vehicle_pointcloud_path,
///                                            infrastructure_pointcloud_path,
///                                            cooperative_label_path, system_error_offset
/// <root>/cooperative/label_world/<v>.json    cooperative labels, world frame
/// <root>/vehicle-side/data_info.json         pointcloud_path, pointcloud_timestamp (µs), calib paths
/// <root>/vehicle-side/velodyne/<v>.pcd
/// <root>/vehicle-side/calib/lidar_to_novatel/<v>.json, calib/novatel_to_world/<v>.json
/// <root>/infrastructure-side/data_info.json
/// <root>/infrastructure-side/velodyne/<i>.pcd
/// <root>/infrastructure-side/calib/virtuallidar_to_world/<i>.json
/// ```
/// Agents: `"vehicle"` (the ego, `.vehicle`) and `"infrastructure"` (`.roadsideUnit`).
/// Frames are the cooperative pairs, named by the vehicle frame and ordered by the vehicle
/// LiDAR timestamp. Everything is expressed in DAIR's world frame (right-handed, z up):
/// poses map sensor → world (see `DAIRCalibration`); the cooperative labels are attached to
/// the vehicle agent; the infrastructure agent lists no objects of its own.
///
/// `system_error_offset` (`""` when there is none) is DAIR's correction of the
/// infrastructure's world position: the true infrastructure pose has `(delta_x, delta_y)`
/// added to its translation (as OpenCOOD's DAIR loader does), and the uncorrected
/// calibration is what the infrastructure reports (`reportedLidarPose`).
public struct DAIRV2XCScenario: ScenarioSource {
    /// Where the pair list lives, relative to the root.
    public static let cooperativeInfoPath = "cooperative/data_info.json"
    /// The vehicle agent's id.
    public static let vehicleID = "vehicle"
    /// The roadside unit's id.
    public static let infrastructureID = "infrastructure"

    /// The DAIR-V2X-C root folder.
    public let root: URL
    public let name: String
    public let agentIDs = [DAIRV2XCScenario.vehicleID, DAIRV2XCScenario.infrastructureID]
    public let frameIDs: [String]
    private let pairs: [Pair]

    /// One side's files for one frame, paths relative to the root.
    struct SideFrame: Sendable {
        var pointCloudPath: String
        /// `pointcloud_timestamp` (µs in the file).
        var timestamp: Timestamp
        /// The side's calibration files: `[lidar_to_novatel, novatel_to_world]` for the
        /// vehicle, `[virtuallidar_to_world]` for the infrastructure.
        var calibrationPaths: [String]
    }

    /// One cooperative frame.
    struct Pair: Sendable {
        var frameID: String
        var vehicle: SideFrame
        var infrastructure: SideFrame
        var labelPath: String
        /// `system_error_offset` in metres, zero when the file says `""`.
        var offset: SIMD2<Double>
    }

    // MARK: data_info.json schemas

    struct CooperativeEntry: Decodable {
        let vehiclePointCloudPath: String
        let infrastructurePointCloudPath: String
        let cooperativeLabelPath: String
        let systemErrorOffset: Offset

        enum CodingKeys: String, CodingKey {
            case vehiclePointCloudPath = "vehicle_pointcloud_path"
            case infrastructurePointCloudPath = "infrastructure_pointcloud_path"
            case cooperativeLabelPath = "cooperative_label_path"
            case systemErrorOffset = "system_error_offset"
        }
    }

    /// `""` (no offset) or `{"delta_x": …, "delta_y": …}`.
    struct Offset: Decodable {
        let meters: SIMD2<Double>

        enum CodingKeys: String, CodingKey { case deltaX = "delta_x", deltaY = "delta_y" }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                guard text.isEmpty else {
                    throw DecodingError.dataCorrupted(.init(
                        codingPath: decoder.codingPath,
                        debugDescription: "system_error_offset is \"\" or {delta_x, delta_y}, found \"\(text)\""
                    ))
                }
                meters = .zero
            } else {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                meters = SIMD2(
                    try container.decode(DAIRNumber.self, forKey: .deltaX).value,
                    try container.decode(DAIRNumber.self, forKey: .deltaY).value
                )
            }
        }
    }

    struct SideEntry: Decodable {
        let pointCloudPath: String
        let pointCloudTimestamp: DAIRInteger
        let lidarToNovatelPath: String?
        let novatelToWorldPath: String?
        let virtualLidarToWorldPath: String?

        enum CodingKeys: String, CodingKey {
            case pointCloudPath = "pointcloud_path"
            case pointCloudTimestamp = "pointcloud_timestamp"
            case lidarToNovatelPath = "calib_lidar_to_novatel_path"
            case novatelToWorldPath = "calib_novatel_to_world_path"
            case virtualLidarToWorldPath = "calib_virtuallidar_to_world_path"
        }
    }

    // MARK: Opening

    /// Reads the three `data_info.json` files and pairs the frames.
    /// - Throws: `V2XError` naming the file: `.notFound` for a missing file, key or a pair
    ///   whose point cloud is not listed by its side; `.malformedData` for bad values or
    ///   two pairs with the same vehicle frame.
    public init(root: URL) throws {
        self.root = root
        name = root.standardizedFileURL.lastPathComponent
        let cooperativeURL = root.appendingPathComponent(Self.cooperativeInfoPath)
        let entries = try DAIRJSON.read([CooperativeEntry].self, from: cooperativeURL)
        let vehicleSide = try Self.sideIndex("vehicle-side", root: root)
        let infrastructureSide = try Self.sideIndex("infrastructure-side", root: root)

        var pairs: [Pair] = []
        var seen = Set<String>()
        for (index, entry) in entries.enumerated() {
            func side(_ path: String, in sideIndex: [String: SideFrame], field: String) throws -> SideFrame {
                guard let frame = sideIndex[path] else {
                    throw V2XError(.notFound, "[\(index)].\(field) '\(path)' is not listed by its side's data_info.json", path: cooperativeURL.path)
                }
                return frame
            }
            let vehicle = try side(entry.vehiclePointCloudPath, in: vehicleSide, field: "vehicle_pointcloud_path")
            let infrastructure = try side(entry.infrastructurePointCloudPath, in: infrastructureSide, field: "infrastructure_pointcloud_path")
            let frameID = Self.stem(of: entry.vehiclePointCloudPath)
            guard seen.insert(frameID).inserted else {
                throw V2XError(.malformedData, "[\(index)]: vehicle frame \(frameID) is paired twice", path: cooperativeURL.path)
            }
            pairs.append(Pair(
                frameID: frameID, vehicle: vehicle, infrastructure: infrastructure,
                labelPath: entry.cooperativeLabelPath, offset: entry.systemErrorOffset.meters
            ))
        }
        guard !pairs.isEmpty else {
            throw V2XError(.notFound, "no cooperative frame pairs", path: cooperativeURL.path)
        }
        self.pairs = pairs.sorted {
            ($0.vehicle.timestamp, $0.frameID) < ($1.vehicle.timestamp, $1.frameID)
        }
        frameIDs = self.pairs.map(\.frameID)
    }

    /// A side's `data_info.json` keyed by root-relative point-cloud path.
    static func sideIndex(_ side: String, root: URL) throws -> [String: SideFrame] {
        let url = root.appendingPathComponent(side).appendingPathComponent("data_info.json")
        var index: [String: SideFrame] = [:]
        for entry in try DAIRJSON.read([SideEntry].self, from: url) {
            let frame = stem(of: entry.pointCloudPath)
            let calibration: [String]
            if side == "vehicle-side" {
                calibration = [
                    entry.lidarToNovatelPath ?? "calib/lidar_to_novatel/\(frame).json",
                    entry.novatelToWorldPath ?? "calib/novatel_to_world/\(frame).json",
                ]
            } else {
                calibration = [entry.virtualLidarToWorldPath ?? "calib/virtuallidar_to_world/\(frame).json"]
            }
            let (nanoseconds, overflow) = entry.pointCloudTimestamp.value.multipliedReportingOverflow(by: 1000)
            guard !overflow else {
                throw V2XError(.malformedData, "pointcloud_timestamp of \(entry.pointCloudPath) is out of range", path: url.path)
            }
            index["\(side)/\(entry.pointCloudPath)"] = SideFrame(
                pointCloudPath: "\(side)/\(entry.pointCloudPath)",
                timestamp: Timestamp(nanoseconds: nanoseconds),
                calibrationPaths: calibration.map { "\(side)/\($0)" }
            )
        }
        return index
    }

    /// `"vehicle-side/velodyne/015404.pcd"` → `"015404"`.
    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[..<dot])
    }

    // MARK: Frames

    public func frame(at index: Int) throws -> ScenarioFrame {
        guard pairs.indices.contains(index) else {
            throw V2XError(.invalidArgument, "frame index \(index) is outside 0..<\(pairs.count)", path: root.path)
        }
        let pair = pairs[index]
        let file = { (relative: String) in root.appendingPathComponent(relative) }

        let vehiclePose = try DAIRCalibration.vehicleLidarPose(
            lidarToNovatel: file(pair.vehicle.calibrationPaths[0]), novatelToWorld: file(pair.vehicle.calibrationPaths[1])
        )
        let calibrated = try DAIRCalibration.infrastructureLidarPose(virtualLidarToWorld: file(pair.infrastructure.calibrationPaths[0]))
        var corrected = calibrated
        corrected.translation += SIMD3(pair.offset.x, pair.offset.y, 0)

        let vehicle = AgentFrame(
            agentID: Self.vehicleID, kind: .vehicle,
            timestamp: pair.vehicle.timestamp,
            lidarPose: vehiclePose,
            points: try PCDFile.read(from: file(pair.vehicle.pointCloudPath)),
            objects: try DAIRLabels.objects(from: file(pair.labelPath))
        )
        let infrastructure = AgentFrame(
            agentID: Self.infrastructureID, kind: .roadsideUnit,
            timestamp: pair.infrastructure.timestamp,
            lidarPose: corrected, reportedLidarPose: calibrated,
            points: try PCDFile.read(from: file(pair.infrastructure.pointCloudPath)),
            objects: []
        )
        return ScenarioFrame(index: index, frameID: pair.frameID, agents: [vehicle, infrastructure])
    }
}
