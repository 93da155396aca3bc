import Foundation
import V2XCore

/// A synthetic multi-agent LiDAR scenario, generated deterministically from a preset, a
/// seed and a frame count — CARLA/OPV2V-like data for a machine that cannot download
/// the real datasets.
///
/// Construction lays out the world (`WorldBuilder`), runs the traffic simulation
/// (`TrafficSimulation`, 20 Hz ticks, 20 s warm-up) and chooses the connected vehicles
/// (`AgentSelection`); `frame(at:)` then ray-casts every agent's sweep for one frame
/// (`LidarScanner` over a `BoundingVolumeHierarchy`), so frames can be produced lazily,
/// in any order, with identical results.
///
/// Conventions (as OPV2V): frames are every second 0.05 s tick (10 Hz sweeps) and are
/// named by their tick number with six digits (`"000400"`, `"000402"`, …); the true
/// capture time is `tick × 50 ms` and an agent's timestamp adds its clock offset.
/// Vehicle agents are named by their object id (positive), roadside units `-1`, `-2`, …
/// `lidarPose` is the true pose; `reportedLidarPose` adds the preset's GNSS noise
/// (vehicles only: roadside units are surveyed). Motion during a sweep is ignored.
public struct GeneratedScenario: ScenarioSource {
    /// One connected agent and its sensor.
    public struct Agent: Sendable, Equatable {
        public let id: String
        public let kind: AgentKind
        public let rig: SensorRig
        public let lidar: LidarModel
    }

    /// Ticks simulated before the first frame, so queues and spacing look settled.
    public static let warmUpTicks = 400
    /// Ticks between frames (0.1 s).
    public static let ticksPerFrame = 2
    /// Version of the generator's output; bump when the same inputs give different data.
    public static let version = 1

    public let name: String
    public let preset: ScenarioPreset
    public let seed: UInt64
    public let agents: [Agent]
    public var agentIDs: [String] { agents.map(\.id) }
    public let frameIDs: [String]

    let world: WorldMap
    /// Moving vehicles at each frame.
    let history: [[VehicleSnapshot]]
    /// Vehicle agents' object ids (same order as the vehicle entries of `agents`).
    let agentVehicleIDs: [Int]
    private let scanners: [String: LidarScanner]
    private let clockOffsetsNanoseconds: [Int64]

    /// Generates the world, the traffic and the agent choice.
    /// - Parameters:
    ///   - preset: the world recipe.
    ///   - sensors: rigs and LiDAR models the preset names.
    ///   - seed: any value; equal seeds give identical scenarios.
    ///   - frameCount: number of 10 Hz frames, 1…10 000.
    ///   - name: scenario name (default `<preset>_s<seed>`).
    /// - Throws: `V2XError.invalidArgument` for a preset value out of range, a bad frame count, or when the traffic
    ///   offers no suitable group of connected vehicles; `.notFound` for a rig or model
    ///   missing from `sensors`.
    public init(preset: ScenarioPreset, sensors: SensorCatalog, seed: UInt64, frameCount: Int, name: String? = nil) throws {
        // The preset's fields are public and mutable, so check them again here.
        try preset.validate()
        guard (1...10_000).contains(frameCount) else {
            throw V2XError(.invalidArgument, "frame count must be in 1…10000, got \(frameCount)")
        }
        self.preset = preset
        self.seed = seed
        self.name = name ?? "\(preset.name)_s\(seed)"
        var agents: [Agent] = []
        var scanners: [String: LidarScanner] = [:]
        var vehicleRigs: [(SensorRig, LidarModel)] = []
        for rigName in preset.agents.vehicleRigs { vehicleRigs.append(try sensors.resolve(rig: rigName, for: .vehicle)) }
        var rsuRigs: [(SensorRig, LidarModel)] = []
        for rigName in preset.agents.rsuRigs { rsuRigs.append(try sensors.resolve(rig: rigName, for: .roadsideUnit)) }

        world = WorldBuilder(preset: preset, seed: seed).build()
        guard world.parkedVehicles.count == preset.scenery.parkedVehicles else {
            throw V2XError(.invalidArgument, "preset \(preset.name) asks for \(preset.scenery.parkedVehicles) parked vehicles, but its roads have room for \(world.parkedVehicles.count)")
        }
        guard world.roadsideSites.count >= rsuRigs.count else {
            throw V2XError(.invalidArgument, "preset \(preset.name) has room for \(world.roadsideSites.count) roadside units, \(rsuRigs.count) requested")
        }
        var traffic = TrafficSimulation(network: world.network, preset: preset, seed: seed)
        var history: [[VehicleSnapshot]] = []
        let lastTick = Self.warmUpTicks + Self.ticksPerFrame * (frameCount - 1)
        for tick in 0...lastTick {
            if tick >= Self.warmUpTicks && (tick - Self.warmUpTicks) % Self.ticksPerFrame == 0 { history.append(traffic.snapshots()) }
            if tick < lastTick { traffic.step() }
        }
        self.history = history
        frameIDs = (0..<frameCount).map { String(format: "%06d", Self.warmUpTicks + Self.ticksPerFrame * $0) }

        let chosen = try AgentSelection(count: vehicleRigs.count, maxSpreadMeters: preset.agents.maxSpreadMeters, focus: world.focus)
            .choose(history: history)
        // Vehicle agents in OPV2V folder order (string order of ids), roadside units after.
        let byName = zip(chosen, vehicleRigs).sorted { String($0.0).utf8.lexicographicallyPrecedes(String($1.0).utf8) }
        agentVehicleIDs = byName.map(\.0)
        for (id, (rig, lidar)) in byName {
            agents.append(Agent(id: String(id), kind: .vehicle, rig: rig, lidar: lidar))
            if scanners[lidar.name] == nil { scanners[lidar.name] = LidarScanner(model: lidar) }
        }
        for (k, (rig, lidar)) in rsuRigs.enumerated() {
            agents.append(Agent(id: String(-(k + 1)), kind: .roadsideUnit, rig: rig, lidar: lidar))
            if scanners[lidar.name] == nil { scanners[lidar.name] = LidarScanner(model: lidar) }
        }
        self.agents = agents
        self.scanners = scanners
        let maxOffset = preset.noise.clockOffsetMaxMilliseconds
        clockOffsetsNanoseconds = agents.indices.map { a in
            let u = StatelessRandom(seed, 0xC10C, UInt64(a)).uniform(0)
            return Int64(((2 * u - 1) * maxOffset * 1e6).rounded())
        }
    }

    /// Owner id of roadside unit `k`'s pole (distinct from scenery and vehicles).
    static func roadsideOwner(_ k: Int) -> Int32 { Int32(-10 - k) }

    /// Ground-truth annotations reach this far beyond an agent's LiDAR range, metres.
    static let annotationMarginMeters = 20.0

    /// Every solid of frame `index` and every annotated object (moving and parked).
    func scene(at index: Int) -> (solids: [SolidBox], objects: [SceneObject]) {
        var solids = world.scenery
        var objects: [SceneObject] = []
        for p in world.parkedVehicles {
            solids += p.blueprint.solids(x: p.position.x, y: p.position.y, yaw: p.yaw, ownerID: Int32(p.id))
            objects.append(SceneObject(id: p.id, box: p.blueprint.box(x: p.position.x, y: p.position.y, yaw: p.yaw), speedMetersPerSecond: 0))
        }
        for v in history[index] {
            solids += v.blueprint.solids(x: v.position.x, y: v.position.y, yaw: v.yaw, ownerID: Int32(v.id))
            objects.append(SceneObject(id: v.id, box: v.blueprint.box(x: v.position.x, y: v.position.y, yaw: v.yaw), speedMetersPerSecond: v.speed))
        }
        for (k, agent) in agents.filter({ $0.kind == .roadsideUnit }).enumerated() {
            let site = world.roadsideSites[k]
            solids.append(SolidBox(x: site.position.x, y: site.position.y, baseZ: 0, length: 0.3, width: 0.3,
                                   height: agent.rig.mountHeightMeters - 0.2, yaw: 0, reflectivity: 0.4, ownerID: Self.roadsideOwner(k)))
        }
        return (solids, objects)
    }

    /// The true LiDAR pose of every agent at frame `index` and the owner id it ignores.
    func sensorPoses(at index: Int) throws -> [(pose: Pose, owner: Int32)] {
        let vehicles = Dictionary(uniqueKeysWithValues: history[index].map { ($0.id, $0) })
        var rsuIndex = 0
        var vehicleIndex = 0
        return try agents.map { agent in
            switch agent.kind {
            case .vehicle:
                let id = agentVehicleIDs[vehicleIndex]
                vehicleIndex += 1
                // AgentSelection only picks vehicles present in every frame.
                guard let v = vehicles[id] else {
                    throw V2XError(.notFound, "connected vehicle \(id) is missing from frame \(frameIDs[index]) of \(name)")
                }
                let forward = agent.rig.mountForwardMeters
                return (Pose(x: v.position.x + cos(v.yaw) * forward, y: v.position.y + sin(v.yaw) * forward,
                             z: v.blueprint.height + agent.rig.mountHeightMeters, yaw: v.yaw), Int32(id))
            case .roadsideUnit:
                let site = world.roadsideSites[rsuIndex]
                defer { rsuIndex += 1 }
                return (Pose(x: site.position.x, y: site.position.y, z: agent.rig.mountHeightMeters, yaw: site.yaw), Self.roadsideOwner(rsuIndex))
            }
        }
    }

    public func frame(at index: Int) throws -> ScenarioFrame {
        guard frameIDs.indices.contains(index) else {
            throw V2XError(.invalidArgument, "frame index \(index) is outside 0..<\(frameIDs.count) of scenario \(name)")
        }
        let (solids, objects) = scene(at: index)
        let caster = RayCaster(boxes: solids, ground: world.ground)
        let tick = Int64(Self.warmUpTicks + Self.ticksPerFrame * index)
        let trueTime = tick * 50_000_000
        var agentFrames: [AgentFrame] = []
        for (a, (pose, owner)) in try sensorPoses(at: index).enumerated() {
            let agent = agents[a]
            guard let scanner = scanners[agent.lidar.name] else {
                throw V2XError(.notFound, "no scanner for LiDAR \(agent.lidar.name)")
            }
            let points = scanner.scan(in: caster, sensorPose: pose, ignoringOwner: owner,
                                      noise: StatelessRandom(seed, UInt64(tick), UInt64(a), 0x11DA))
            let reach = agent.lidar.maxRangeMeters + Self.annotationMarginMeters
            let visible = objects.filter { object in
                object.id != Int(owner) && RoadLane.distance(SIMD2(object.box.x, object.box.y), SIMD2(pose.translation.x, pose.translation.y)) <= reach
            }
            agentFrames.append(AgentFrame(
                agentID: agent.id, kind: agent.kind,
                timestamp: Timestamp(nanoseconds: trueTime + clockOffsetsNanoseconds[a]),
                lidarPose: pose, reportedLidarPose: reportedPose(pose, agent: a, tick: tick, kind: agent.kind),
                points: points, objects: visible
            ))
        }
        return ScenarioFrame(index: index, frameID: frameIDs[index], agents: agentFrames)
    }

    /// The pose agent `a` believes: the true pose with Gaussian position (x, y) and heading
    /// errors drawn from `(seed, tick, agent)`.
    private func reportedPose(_ pose: Pose, agent a: Int, tick: Int64, kind: AgentKind) -> Pose {
        let noise = preset.noise
        guard kind == .vehicle, noise.positionSigmaMeters > 0 || noise.headingSigmaDegrees > 0 else { return pose }
        let r = StatelessRandom(seed, UInt64(tick), UInt64(a), 0x6E55)
        let dx = noise.positionSigmaMeters * r.gaussian(0)
        let dy = noise.positionSigmaMeters * r.gaussian(2)
        let dyaw = noise.headingSigmaDegrees * .pi / 180 * r.gaussian(4)
        return Pose(x: pose.translation.x + dx, y: pose.translation.y + dy, z: pose.translation.z,
                    roll: pose.roll, pitch: pose.pitch, yaw: pose.yaw + dyaw)
    }
}
