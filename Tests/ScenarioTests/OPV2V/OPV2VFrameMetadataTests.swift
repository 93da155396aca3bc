import Foundation
import Scenario
import Testing
import V2XCore

/// Parsing and writing one OPV2V `<frame>.yaml`.
@Suite struct OPV2VFrameMetadataTests {
    static let degree = Double.pi / 180

    @Test func readsTheFixtureInOurFrameAndUnits() throws {
        let url = try DatasetFixtures.url("opv2v/scenario/650/000068.yaml")
        let metadata = try OPV2VFrameMetadata.read(from: url)
        #expect(DatasetFixtures.distance(metadata.lidarPose, Pose(x: 100, y: -50, z: 1.9, yaw: -.pi / 2)) < 1e-12)
        #expect(metadata.reportedLidarPose == nil && metadata.timestamp == nil && metadata.kind == nil)
        #expect(metadata.objects.map(\.id) == [659, 702])
        let car = metadata.objects[0], truck = metadata.objects[1]
        // location + center, y mirrored; full sizes from half extents; km/h → m/s.
        #expect(DatasetFixtures.distance(car.box, Box3D(x: 100, y: -62, z: 0.75, l: 4.5, w: 2, h: 1.5, yaw: -.pi / 2)) < 1e-12)
        #expect(abs(car.speedMetersPerSecond - 10) < 1e-12)
        #expect(DatasetFixtures.distance(truck.box, Box3D(x: 90.1, y: -40, z: 0.83, l: 5, w: 2.1, h: 1.6, yaw: .pi / 4, label: .truck)) < 1e-12)
        #expect(truck.speedMetersPerSecond == 0)
    }

    @Test func readsOurExtensionKeys() throws {
        let metadata = try OPV2VFrameMetadata.read(from: DatasetFixtures.url("opv2v/scenario/650/000070.yaml"))
        #expect(metadata.timestamp == Timestamp(nanoseconds: 3_500_000_123))
        let reported = try #require(metadata.reportedLidarPose)
        #expect(DatasetFixtures.distance(reported, Pose(x: 100.5, y: -51, z: 1.9, yaw: -91 * Self.degree)) < 1e-12)
        let kind = try OPV2VFrameMetadata.parse("lidar_pose: [0, 0, 0, 0, 0, 0]\nv2x_agent_kind: rsu\n", path: "k.yaml").kind
        #expect(kind == .roadsideUnit)
    }

    @Test func integersAndFloatsReadTheSame() throws {
        let ints = try OPV2VFrameMetadata.parse("""
            lidar_pose: [1, -2, 3, 0, 90, 0]
            vehicles:
              7: {angle: [0, 30, 0], center: [0, 0, 1], extent: [2, 1, 1], location: [10, 20, 0], speed: 36}
            """, path: "ints.yaml")
        let floats = try OPV2VFrameMetadata.parse("""
            lidar_pose: [1.0, -2.0, 3.0, 0.0, 90.0, 0.0]
            vehicles:
              7: {angle: [0.0, 30.0, 0.0], center: [0.0, 0.0, 1.0], extent: [2.0, 1.0, 1.0], location: [10.0, 20.0, 0.0], speed: 36.0}
            """, path: "floats.yaml")
        #expect(ints == floats)
        #expect(ints.objects.count == 1)
    }

    @Test(arguments: ["lidar_pose: [0, 0, 0, 0, 0, 0]\n", "lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles: {}\n", "lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles:\n"])
    func noVehiclesMeansNoObjects(text: String) throws {
        #expect(try OPV2VFrameMetadata.parse(text, path: "empty.yaml").objects.isEmpty)
    }

    @Test func objectTypesMapToClassesAndDefaultToCar() throws {
        let metadata = try OPV2VFrameMetadata.parse("""
            lidar_pose: [0, 0, 0, 0, 0, 0]
            vehicles:
              1: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0}
              2: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0, obj_type: pedestrian}
              3: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0, type: Van}
              4: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0, obj_type: BicycleRider}
            """, path: "types.yaml")
        #expect(metadata.objects.map(\.box.label) == [.car, .pedestrian, .van, .cyclist])
    }

    @Test func malformedYAMLNamesTheFileAndLine() throws {
        let url = try DatasetFixtures.url("opv2v/yaml/malformed.yaml")
        #expect {
            try OPV2VFrameMetadata.read(from: url)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == .malformedData && error.path == url.path && (error.line ?? 0) >= 4
        }
    }

    @Test func missingLidarPoseNamesTheFileAndKey() throws {
        let url = try DatasetFixtures.url("opv2v/yaml/missing_lidar_pose.yaml")
        #expect {
            try OPV2VFrameMetadata.read(from: url)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == .notFound && error.path == url.path && error.message.contains("lidar_pose")
        }
    }

    @Test func nanIsRefusedWithItsLine() throws {
        let url = try DatasetFixtures.url("opv2v/yaml/nan_pose.yaml")
        #expect {
            try OPV2VFrameMetadata.read(from: url)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == .nonFiniteValue && error.path == url.path && error.line == 1
        }
    }

    /// Each bad document with the error code it must raise.
    static let badDocuments: [(String, V2XError.Code)] = [
        ("lidar_pose: [0, 0, 0, 0, 0]\n", .shapeMismatch),
        ("lidar_pose: [0, 0, zero, 0, 0, 0]\n", .malformedData),
        ("lidar_pose: 5\n", .malformedData),
        ("- just\n- a list\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles: [1, 2]\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles:\n  car: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0}\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles:\n  12: {angle: [0, 0, 0], center: [0, 0, 0], location: [0, 0, 0], speed: 0}\n", .notFound),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles:\n  12: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, -1, 1], location: [0, 0, 0], speed: 0}\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles:\n  12: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0, obj_type: Spaceship}\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nvehicles:\n  5: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0}\n  05: {angle: [0, 0, 0], center: [0, 0, 0], extent: [1, 1, 1], location: [0, 0, 0], speed: 0}\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nv2x_agent_kind: drone\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nv2x_timestamp_ns: 1.5\n", .malformedData),
        ("lidar_pose: [0, 0, 0, 0, 0, 0]\nv2x_reported_lidar_pose: [0, 0, 0, 0, 0, .inf]\n", .nonFiniteValue),
        ("lidar_pose: [0, 0, 0, 0, 0, nan]\n", .nonFiniteValue),
        ("lidar_pose: [0, 0, 1e999, 0, 0, 0]\n", .nonFiniteValue),
        ("lidar_pose: [0, 0, '', 0, 0, 0]\n", .malformedData),
    ]

    /// Numbers are read from the scalar's text whatever YAML would type it as: quoted,
    /// padded with spaces, or an integer.
    @Test func quotedAndPaddedNumbersAreRead() throws {
        let metadata = try OPV2VFrameMetadata.parse("lidar_pose: [' 1.5 ', \"2\", 3, 0, 0, 0]\nv2x_timestamp_ns: ' 42'\n", path: "ok.yaml")
        #expect(metadata.lidarPose.translation.x == 1.5)
        #expect(metadata.lidarPose.translation.z == 3)
        #expect(metadata.timestamp == Timestamp(nanoseconds: 42))
    }

    @Test(arguments: 0..<badDocuments.count)
    func badValuesAreTypedErrorsNamingTheFile(case index: Int) {
        let (text, code) = Self.badDocuments[index]
        #expect {
            try OPV2VFrameMetadata.parse(text, path: "bad.yaml")
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == code && error.path == "bad.yaml"
        }
    }

    @Test func missingVehicleKeyIsNamedInFull() {
        #expect {
            try OPV2VFrameMetadata.parse(Self.badDocuments[6].0, path: "bad.yaml")
        } throws: { ($0 as? V2XError)?.message.contains("vehicles.12.extent") == true }
    }

    @Test func writtenTextReadsBackTheSame() throws {
        let original = OPV2VFrameMetadata(
            lidarPose: Pose(x: 1e-5, y: -3.25, z: 1.9, roll: 0.01, pitch: -0.02, yaw: 2.5),
            reportedLidarPose: Pose(x: 0.5, y: -3, z: 1.9, yaw: 2.4),
            timestamp: Timestamp(nanoseconds: 1_234_567_890_123),
            kind: .vehicle,
            objects: [
                SceneObject(id: 9, box: Box3D(x: 5, y: 6, z: 0.8, l: 4.4, w: 1.9, h: 1.6, yaw: -3, label: .bus), speedMetersPerSecond: 12.5),
                SceneObject(id: 3, box: Box3D(x: -5, y: 2, z: 0.9, l: 0.6, w: 0.6, h: 1.8, yaw: 0.3, label: .pedestrian), speedMetersPerSecond: 1.25),
            ]
        )
        let text = original.yamlText()
        let back = try OPV2VFrameMetadata.parse(text, path: "written.yaml")
        #expect(DatasetFixtures.distance(back.lidarPose, original.lidarPose) < 1e-9)
        #expect(DatasetFixtures.distance(try #require(back.reportedLidarPose), original.reportedLidarPose!) < 1e-9)
        #expect(back.timestamp == original.timestamp && back.kind == original.kind)
        #expect(back.objects.map(\.id) == [3, 9])
        for (a, b) in zip(back.objects, original.objects.sorted { $0.id < $1.id }) {
            #expect(DatasetFixtures.distance(a.box, b.box) < 1e-9)
            #expect(abs(a.speedMetersPerSecond - b.speedMetersPerSecond) < 1e-9)
        }
        // PyYAML (YAML 1.1) reads "1e-05" as a string: floats are written with a dot.
        #expect(text.contains("[1.0e-05, "))
        // OPV2V keys an OpenCOOD reader looks for.
        for key in ["lidar_pose:", "true_ego_pos:", "predicted_ego_pos:", "vehicles:", "    extent:", "    location:", "    center:", "    angle:", "    speed:"] {
            #expect(text.contains(key), "missing \(key)")
        }
    }
}
