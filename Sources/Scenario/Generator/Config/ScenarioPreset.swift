import Foundation
import V2XCore

/// A world recipe from `scenarios/presets/<name>.yaml`: road layout, scenery, traffic,
/// connected agents and their sensor rigs, and localisation/clock noise. With a seed and
/// a frame count it determines a generated scenario completely.
///
/// ```yaml
/// name: intersection
/// description: Four-way urban junction with buildings on every corner.
/// layout:   {kind: intersection, arms: 4, lanes_per_direction: 2, lane_width_m: 3.5,
///            arm_length_m: 150, speed_limit_kmh: 50, parking_lane: true, sidewalk_width_m: 3}
/// scenery:  {building_height_m: [8, 35], building_setback_m: 1, trees_per_100m: 5,
///            parked_vehicles: 14, barriers: false}
/// traffic:  {density_per_km_lane: 25, inflow_per_hour_per_lane: 500, signal_cycle_s: 40,
///            class_mix: {car: 0.72, van: 0.14, truck: 0.08, bus: 0.06},
///            turn_mix: {left: 0.2, straight: 0.6, right: 0.2}}
/// agents:   {vehicle_rigs: [roof-hdl64, roof-hdl32, roof-hdl64], rsu_rigs: [pole-hdl32],
///            max_spread_m: 50}
/// noise:    {position_sigma_m: 0.0, heading_sigma_deg: 0.0, clock_offset_max_ms: 0}
/// ```
/// Every key is required except where noted below; unknown keys are errors.
public struct ScenarioPreset: Sendable, Equatable {
    /// The road layout family.
    public enum LayoutKind: String, Sendable, Codable, CaseIterable {
        /// One junction with 3 or 4 arms.
        case intersection
        /// A square grid of junctions (urban blocks).
        case grid
        /// A straight divided road without junctions.
        case highway
    }

    /// Road geometry.
    public struct Layout: Sendable, Equatable {
        public var kind: LayoutKind
        /// Intersection only: 3 (a T, the arm towards -y missing) or 4.
        public var arms: Int
        public var lanesPerDirection: Int
        public var laneWidthMeters: Double
        /// Intersection and grid: road length beyond the outermost junction; highway: total length.
        public var armLengthMeters: Double
        /// Grid only: distance between neighbouring junctions (optional key, else 0).
        public var blockSizeMeters: Double
        /// Grid only: junctions per side (optional key, else 0).
        public var gridSize: Int
        public var speedLimitKilometersPerHour: Double
        /// A lane for parked cars between the outer lane and the sidewalk.
        public var parkingLane: Bool
        public var sidewalkWidthMeters: Double
    }

    /// Static occluders.
    public struct Scenery: Sendable, Equatable {
        /// Building heights are drawn uniformly from `[min, max]`; `[0, 0]` means no buildings.
        public var buildingHeightMeters: [Double]
        /// Gap between the sidewalk and building fronts.
        public var buildingSetbackMeters: Double
        public var treesPer100Meters: Double
        /// Parked vehicles, in the parking lane (urban) or on the hard shoulder (highway).
        public var parkedVehicles: Int
        /// Highway only: a concrete median barrier and noise walls at both sides.
        public var barriers: Bool
    }

    /// Moving traffic.
    public struct Traffic: Sendable, Equatable {
        /// Vehicles per kilometre of lane at the start.
        public var densityPerKilometerLane: Double
        /// Mean arrivals per hour on each lane entering the world.
        public var inflowPerHourPerLane: Double
        /// Duration of one full signal cycle at junctions (two green phases with clearance).
        public var signalCycleSeconds: Double
        /// Relative weights of car, van, truck, bus.
        public var classMix: [ObjectClass: Double]
        /// Relative weights of turning left, going straight, turning right at a junction.
        public var turnMix: [String: Double]
    }

    /// Connected agents.
    public struct Agents: Sendable, Equatable {
        /// One rig name per connected vehicle (2…5 vehicles).
        public var vehicleRigs: [String]
        /// One rig name per roadside unit (0…2).
        public var rsuRigs: [String]
        /// Connected vehicles are chosen so that each stays within this distance of the
        /// group's centre at the first frame.
        public var maxSpreadMeters: Double
    }

    /// Localisation and clock errors written into the reported pose and the timestamp.
    public struct Noise: Sendable, Equatable {
        /// Per-frame Gaussian error of the reported position (x, y), metres.
        public var positionSigmaMeters: Double
        /// Per-frame Gaussian error of the reported heading, degrees.
        public var headingSigmaDegrees: Double
        /// Each agent's clock is offset by a constant drawn uniformly from ±this, milliseconds.
        public var clockOffsetMaxMilliseconds: Double

        public init(positionSigmaMeters: Double, headingSigmaDegrees: Double, clockOffsetMaxMilliseconds: Double) throws {
            let r = GeneratorYAML.require
            try r(positionSigmaMeters.isFinite && positionSigmaMeters >= 0 && positionSigmaMeters <= 10, "noise.position_sigma_m must be in [0, 10], got \(positionSigmaMeters)")
            try r(headingSigmaDegrees.isFinite && headingSigmaDegrees >= 0 && headingSigmaDegrees <= 30, "noise.heading_sigma_deg must be in [0, 30], got \(headingSigmaDegrees)")
            try r(clockOffsetMaxMilliseconds.isFinite && clockOffsetMaxMilliseconds >= 0 && clockOffsetMaxMilliseconds <= 1000,
                  "noise.clock_offset_max_ms must be in [0, 1000], got \(clockOffsetMaxMilliseconds)")
            self.positionSigmaMeters = positionSigmaMeters
            self.headingSigmaDegrees = headingSigmaDegrees
            self.clockOffsetMaxMilliseconds = clockOffsetMaxMilliseconds
        }
    }

    public var name: String
    public var description: String
    public var layout: Layout
    public var scenery: Scenery
    public var traffic: Traffic
    public var agents: Agents
    public var noise: Noise

    /// Reads and checks a preset file.
    /// - Throws: `V2XError` naming the file when it is missing, malformed or holds a value
    ///   out of range.
    public static func load(from url: URL) throws -> ScenarioPreset {
        try GeneratorYAML.decode(ScenarioPreset.self, from: url)
    }

    /// Reads `<projectRoot>/scenarios/presets/<name>.yaml`.
    public static func load(named name: String, projectRoot: URL) throws -> ScenarioPreset {
        try load(from: url(named: name, projectRoot: projectRoot))
    }

    /// Where preset `name` lives.
    public static func url(named name: String, projectRoot: URL) -> URL {
        projectRoot.appendingPathComponent("scenarios/presets/\(name).yaml")
    }

    /// Checks the cross-field rules (kind-specific keys, ranges).
    func validate() throws {
        let r = GeneratorYAML.require
        try r(!name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "name must be non-empty letters, digits, '-' or '_', got '\(name)'")
        let l = layout
        try r((1...4).contains(l.lanesPerDirection), "layout.lanes_per_direction must be in 1…4, got \(l.lanesPerDirection)")
        try r(l.laneWidthMeters.isFinite && (2.5...4.5).contains(l.laneWidthMeters), "layout.lane_width_m must be in [2.5, 4.5], got \(l.laneWidthMeters)")
        try r(l.speedLimitKilometersPerHour.isFinite && (10...130).contains(l.speedLimitKilometersPerHour), "layout.speed_limit_kmh must be in [10, 130], got \(l.speedLimitKilometersPerHour)")
        try r(l.sidewalkWidthMeters.isFinite && (0...10).contains(l.sidewalkWidthMeters), "layout.sidewalk_width_m must be in [0, 10], got \(l.sidewalkWidthMeters)")
        switch l.kind {
        case .intersection:
            try r(l.arms == 3 || l.arms == 4, "layout.arms must be 3 or 4 for an intersection, got \(l.arms)")
            try r(l.armLengthMeters.isFinite && (60...400).contains(l.armLengthMeters), "layout.arm_length_m must be in [60, 400], got \(l.armLengthMeters)")
        case .grid:
            try r((2...5).contains(l.gridSize), "layout.grid_size must be in 2…5 for a grid, got \(l.gridSize)")
            try r(l.blockSizeMeters.isFinite && (50...300).contains(l.blockSizeMeters), "layout.block_size_m must be in [50, 300] for a grid, got \(l.blockSizeMeters)")
            try r(l.armLengthMeters.isFinite && (30...300).contains(l.armLengthMeters), "layout.arm_length_m must be in [30, 300], got \(l.armLengthMeters)")
        case .highway:
            try r(l.armLengthMeters.isFinite && (300...3000).contains(l.armLengthMeters), "layout.arm_length_m (the highway's length) must be in [300, 3000], got \(l.armLengthMeters)")
            try r(!l.parkingLane, "layout.parking_lane must be false on a highway (parked vehicles use the hard shoulder)")
        }
        let s = scenery
        try r(s.buildingHeightMeters.count == 2, "scenery.building_height_m must be [min, max]")
        let (hMin, hMax) = (s.buildingHeightMeters[0], s.buildingHeightMeters[1])
        try r(hMin.isFinite && hMax.isFinite && hMin >= 0 && hMax >= hMin && hMax <= 200 && (hMax == 0 || hMin >= 3),
              "scenery.building_height_m must be [0, 0] or 3 ≤ min ≤ max ≤ 200, got [\(hMin), \(hMax)]")
        try r(s.buildingSetbackMeters.isFinite && (0...30).contains(s.buildingSetbackMeters), "scenery.building_setback_m must be in [0, 30], got \(s.buildingSetbackMeters)")
        try r(s.treesPer100Meters.isFinite && (0...20).contains(s.treesPer100Meters), "scenery.trees_per_100m must be in [0, 20], got \(s.treesPer100Meters)")
        try r((0...200).contains(s.parkedVehicles), "scenery.parked_vehicles must be in 0…200, got \(s.parkedVehicles)")
        try r(!s.barriers || l.kind == .highway, "scenery.barriers applies to highways only")
        try r(s.parkedVehicles == 0 || l.parkingLane || l.kind == .highway, "scenery.parked_vehicles needs layout.parking_lane (or a highway's shoulder)")
        let t = traffic
        try r(t.densityPerKilometerLane.isFinite && (0...120).contains(t.densityPerKilometerLane), "traffic.density_per_km_lane must be in [0, 120], got \(t.densityPerKilometerLane)")
        try r(t.inflowPerHourPerLane.isFinite && (0...2400).contains(t.inflowPerHourPerLane), "traffic.inflow_per_hour_per_lane must be in [0, 2400], got \(t.inflowPerHourPerLane)")
        try r(t.signalCycleSeconds.isFinite && (10...180).contains(t.signalCycleSeconds), "traffic.signal_cycle_s must be in [10, 180], got \(t.signalCycleSeconds)")
        let classWeights = t.classMix.values
        try r(!t.classMix.isEmpty && classWeights.allSatisfy { $0.isFinite && $0 >= 0 } && classWeights.reduce(0, +) > 0,
              "traffic.class_mix weights must be finite, ≥ 0 and not all 0")
        try r(t.classMix.keys.allSatisfy { $0.category == .vehicle }, "traffic.class_mix may list car, van, truck and bus only")
        try r(Set(t.turnMix.keys).isSubset(of: ["left", "straight", "right"]), "traffic.turn_mix keys are left, straight, right")
        try r(t.turnMix.values.allSatisfy { $0.isFinite && $0 >= 0 } && (t.turnMix["straight"] ?? 0) > 0,
              "traffic.turn_mix weights must be finite, ≥ 0, with straight > 0")
        let a = agents
        try r((2...5).contains(a.vehicleRigs.count), "agents.vehicle_rigs must name 2…5 rigs (one per connected vehicle), got \(a.vehicleRigs.count)")
        try r((0...2).contains(a.rsuRigs.count), "agents.rsu_rigs must name 0…2 rigs, got \(a.rsuRigs.count)")
        try r(a.maxSpreadMeters.isFinite && (10...300).contains(a.maxSpreadMeters), "agents.max_spread_m must be in [10, 300], got \(a.maxSpreadMeters)")
    }
}

extension ScenarioPreset: Decodable {
    private enum Keys: String, CodingKey, CaseIterable { case name, description, layout, scenery, traffic, agents, noise }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        layout = try c.decode(Layout.self, forKey: .layout)
        scenery = try c.decode(Scenery.self, forKey: .scenery)
        traffic = try c.decode(Traffic.self, forKey: .traffic)
        agents = try c.decode(Agents.self, forKey: .agents)
        noise = try c.decode(Noise.self, forKey: .noise)
        try validate()
    }
}

extension ScenarioPreset.Layout: Decodable {
    private enum Keys: String, CodingKey, CaseIterable {
        case kind, arms
        case lanesPerDirection = "lanes_per_direction", laneWidthMeters = "lane_width_m", armLengthMeters = "arm_length_m"
        case blockSizeMeters = "block_size_m", gridSize = "grid_size", speedLimitKilometersPerHour = "speed_limit_kmh"
        case parkingLane = "parking_lane", sidewalkWidthMeters = "sidewalk_width_m"
    }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        let kindName = try c.decode(String.self, forKey: .kind)
        guard let kind = ScenarioPreset.LayoutKind(rawValue: kindName) else {
            throw V2XError(.malformedData, "layout.kind must be one of \(ScenarioPreset.LayoutKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(kindName)'")
        }
        self.kind = kind
        arms = try c.decodeIfPresent(Int.self, forKey: .arms) ?? 0
        lanesPerDirection = try c.decode(Int.self, forKey: .lanesPerDirection)
        laneWidthMeters = try c.decode(Double.self, forKey: .laneWidthMeters)
        armLengthMeters = try c.decode(Double.self, forKey: .armLengthMeters)
        blockSizeMeters = try c.decodeIfPresent(Double.self, forKey: .blockSizeMeters) ?? 0
        gridSize = try c.decodeIfPresent(Int.self, forKey: .gridSize) ?? 0
        speedLimitKilometersPerHour = try c.decode(Double.self, forKey: .speedLimitKilometersPerHour)
        parkingLane = try c.decode(Bool.self, forKey: .parkingLane)
        sidewalkWidthMeters = try c.decode(Double.self, forKey: .sidewalkWidthMeters)
    }
}

extension ScenarioPreset.Scenery: Decodable {
    private enum Keys: String, CodingKey, CaseIterable {
        case buildingHeightMeters = "building_height_m", buildingSetbackMeters = "building_setback_m"
        case treesPer100Meters = "trees_per_100m", parkedVehicles = "parked_vehicles", barriers
    }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        buildingHeightMeters = try c.decode([Double].self, forKey: .buildingHeightMeters)
        buildingSetbackMeters = try c.decode(Double.self, forKey: .buildingSetbackMeters)
        treesPer100Meters = try c.decode(Double.self, forKey: .treesPer100Meters)
        parkedVehicles = try c.decode(Int.self, forKey: .parkedVehicles)
        barriers = try c.decode(Bool.self, forKey: .barriers)
    }
}

extension ScenarioPreset.Traffic: Decodable {
    private enum Keys: String, CodingKey, CaseIterable {
        case densityPerKilometerLane = "density_per_km_lane", inflowPerHourPerLane = "inflow_per_hour_per_lane"
        case signalCycleSeconds = "signal_cycle_s", classMix = "class_mix", turnMix = "turn_mix"
    }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        densityPerKilometerLane = try c.decode(Double.self, forKey: .densityPerKilometerLane)
        inflowPerHourPerLane = try c.decode(Double.self, forKey: .inflowPerHourPerLane)
        signalCycleSeconds = try c.decode(Double.self, forKey: .signalCycleSeconds)
        var mix: [ObjectClass: Double] = [:]
        for (key, weight) in try c.decode([String: Double].self, forKey: .classMix) {
            guard let label = ObjectClass(rawValue: key) else {
                throw V2XError(.malformedData, "traffic.class_mix: unknown class '\(key)' (car, van, truck, bus)")
            }
            mix[label] = weight
        }
        classMix = mix
        turnMix = try c.decode([String: Double].self, forKey: .turnMix)
    }
}

extension ScenarioPreset.Agents: Decodable {
    private enum Keys: String, CodingKey, CaseIterable {
        case vehicleRigs = "vehicle_rigs", rsuRigs = "rsu_rigs", maxSpreadMeters = "max_spread_m"
    }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        vehicleRigs = try c.decode([String].self, forKey: .vehicleRigs)
        rsuRigs = try c.decode([String].self, forKey: .rsuRigs)
        maxSpreadMeters = try c.decode(Double.self, forKey: .maxSpreadMeters)
    }
}

extension ScenarioPreset.Noise: Decodable {
    private enum Keys: String, CodingKey, CaseIterable {
        case positionSigmaMeters = "position_sigma_m", headingSigmaDegrees = "heading_sigma_deg"
        case clockOffsetMaxMilliseconds = "clock_offset_max_ms"
    }

    public init(from decoder: any Decoder) throws {
        try GeneratorYAML.rejectUnknownKeys(in: decoder, allowed: Keys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: Keys.self)
        try self.init(
            positionSigmaMeters: c.decode(Double.self, forKey: .positionSigmaMeters),
            headingSigmaDegrees: c.decode(Double.self, forKey: .headingSigmaDegrees),
            clockOffsetMaxMilliseconds: c.decode(Double.self, forKey: .clockOffsetMaxMilliseconds)
        )
    }
}
