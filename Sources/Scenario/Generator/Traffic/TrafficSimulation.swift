import Foundation
import V2XCore

/// Microscopic traffic on a `RoadNetwork` at a fixed 20 Hz step (CARLA's 0.05 s, as in
/// OPV2V), deterministic for a seed.
///
/// - Car following: the Intelligent Driver Model,
///   `a = aₘₐₓ·[1 − (v/v₀)⁴ − (s*/s)²]`, `s* = s₀ + v·T + v·Δv / (2√(aₘₐₓ·b))`, where the
///   gap `s` is measured along the vehicle's route across lane boundaries (including a
///   leader whose rear is still on the previous lane), and `v₀` is lowered ahead of
///   slower lanes (curves) so drivers brake in time. A hard guard never lets a front
///   bumper pass the obstacle ahead, so vehicles never overlap along a lane.
/// - Junctions: two-phase signals (groups by approach axis, 3 s all-red clearance). The
///   first vehicle of an incoming lane may enter its next connector only on green, when
///   no connector whose path conflicts with it is occupied or reserved, and when the exit
///   lane has room; until then it treats the stop line as a standing obstacle. Only lane
///   heads request, so a waiting vehicle never blocks a reservation behind it (no deadlock).
/// - Routes: at each junction a turn is drawn from the preset's turn mix.
/// - Spawning at lanes entering from the world's edge with exponential headways; vehicles
///   leaving the world are removed once their rear has passed the edge.
struct TrafficSimulation: Sendable {
    static let stepSeconds = 0.05
    /// Ids of moving vehicles start here (parked vehicles use lower ids).
    static let firstVehicleID = 1001
    static let clearanceSeconds = 3.0

    let network: RoadNetwork
    let preset: ScenarioPreset
    private(set) var vehicles: [TrafficVehicle] = []
    private(set) var time = 0.0
    private var rng: SeededRandom
    private var nextID = TrafficSimulation.firstVehicleID
    private var nextSpawnTime: [Int: Double] = [:]
    private let signalOffsets: [Double]
    private let classes: [ObjectClass]
    private let classWeights: [Double]
    private let turnWeights: [RoadLane.Turn: Double]

    init(network: RoadNetwork, preset: ScenarioPreset, seed: UInt64) {
        self.network = network
        self.preset = preset
        rng = SeededRandom(seed: seed, stream: 2)
        classes = preset.traffic.classMix.keys.sorted { $0.rawValue < $1.rawValue }
        classWeights = classes.map { preset.traffic.classMix[$0] ?? 0 }
        var turns: [RoadLane.Turn: Double] = [:]
        for t in RoadLane.Turn.allCases { turns[t] = preset.traffic.turnMix[t.rawValue] ?? 0 }
        turnWeights = turns
        var offsets: [Double] = []
        for _ in network.junctions { offsets.append(rng.uniform(0, preset.traffic.signalCycleSeconds)) }
        signalOffsets = offsets
        populate()
        for lane in network.entryLanes { nextSpawnTime[lane] = rng.exponential(mean: meanHeadway) }
    }

    private var meanHeadway: Double {
        preset.traffic.inflowPerHourPerLane > 0 ? 3600 / preset.traffic.inflowPerHourPerLane : .infinity
    }

    // MARK: Vehicles

    private mutating func makeVehicle(lane: Int, frontPosition: Double, speedFraction: Double) -> TrafficVehicle {
        let label = classes[rng.weightedIndex(classWeights)]
        let blueprint = VehicleBlueprint.sample(label, using: &rng)
        let heavy = label == .truck || label == .bus
        var v = TrafficVehicle(
            id: nextID, blueprint: blueprint, route: [lane], previousLane: nil, frontPosition: frontPosition, speed: 0,
            grantedConnector: nil,
            desiredSpeedFactor: rng.truncatedGaussian(mean: heavy ? 0.92 : 1.0, sigma: 0.08, in: 0.75...1.2),
            timeHeadway: heavy ? rng.uniform(1.6, 2.2) : rng.uniform(1.1, 1.7),
            maxAcceleration: heavy ? rng.uniform(0.8, 1.2) : rng.uniform(1.4, 2.2),
            comfortableDeceleration: heavy ? 2.0 : rng.uniform(2.2, 3.0)
        )
        nextID += 1
        extendRoute(&v)
        v.speed = speedFraction * desiredSpeed(of: v, lane: lane)
        return v
    }

    private func desiredSpeed(of v: TrafficVehicle, lane: Int) -> Double {
        network.lanes[lane].speedLimit * v.desiredSpeedFactor
    }

    /// Appends lanes until the route looks two lanes ahead (or reaches the world's edge).
    private mutating func extendRoute(_ v: inout TrafficVehicle) {
        while v.route.count < 3, let last = v.route.last {
            let successors = network.lanes[last].successors
            guard !successors.isEmpty else { return }
            if successors.count == 1 {
                v.route.append(successors[0])
            } else {
                let weights = successors.map { turnWeights[network.lanes[$0].turn] ?? 0 }
                let pick = weights.reduce(0, +) > 0 ? rng.weightedIndex(weights) : 0
                v.route.append(successors[pick])
            }
        }
    }

    /// Initial vehicles along every road lane at the preset's density, from each lane's end backwards.
    private mutating func populate() {
        let density = preset.traffic.densityPerKilometerLane
        guard density > 0 else { return }
        let spacing = 1000 / density
        for lane in network.lanes where lane.kind == .road {
            var s = lane.length - rng.uniform(2, spacing)
            while s > 8 {
                let v = makeVehicle(lane: lane.id, frontPosition: s, speedFraction: 0.6)
                vehicles.append(v)
                s -= max(v.length + 8, spacing * rng.uniform(0.5, 1.5))
            }
        }
    }

    // MARK: Signals and reservations

    /// Whether signal group `group` of junction `j` shows green at time `t`.
    func isGreen(junction j: Int, group: Int, at t: Double) -> Bool {
        let cycle = preset.traffic.signalCycleSeconds
        let phase = (t + signalOffsets[j]).truncatingRemainder(dividingBy: cycle)
        let start = group == 0 ? 0 : cycle / 2
        return phase >= start && phase < start + cycle / 2 - Self.clearanceSeconds
    }

    /// Connectors occupied (any part of a vehicle on them) or reserved.
    private func busyConnectors() -> Set<Int> {
        var busy = Set<Int>()
        for v in vehicles {
            if network.lanes[v.route[0]].kind == .connector { busy.insert(v.route[0]) }
            if let p = v.previousLane, network.lanes[p].kind == .connector, v.rearPosition < 0 { busy.insert(p) }
            if let g = v.grantedConnector { busy.insert(g) }
        }
        return busy
    }

    /// Grants junction entry to lane heads that may go now.
    private mutating func grantReservations() {
        var busy = busyConnectors()
        // The head of each road lane: the vehicle with the largest front position.
        var heads: [Int: Int] = [:]
        for (i, v) in vehicles.enumerated() where network.lanes[v.route[0]].kind == .road {
            if let h = heads[v.route[0]], vehicles[h].frontPosition >= v.frontPosition { continue }
            heads[v.route[0]] = i
        }
        for lane in heads.keys.sorted() {
            guard let i = heads[lane] else { continue }
            let v = vehicles[i]
            guard v.grantedConnector == nil, v.route.count > 1, let j = network.lanes[lane].junction else { continue }
            let connector = v.route[1]
            let toStopLine = network.lanes[lane].length - v.frontPosition
            let requestDistance = max(25, v.speed * v.speed / (2 * v.comfortableDeceleration) + 12)
            guard toStopLine <= requestDistance,
                  isGreen(junction: j, group: network.lanes[lane].signalGroup, at: time),
                  !network.lanes[connector].conflicts.contains(where: busy.contains),
                  exitHasRoom(after: connector, for: v) else { continue }
            vehicles[i].grantedConnector = connector
            busy.insert(connector)
        }
    }

    /// Whether the lane after `connector` has room at its start for `v` plus a gap.
    private func exitHasRoom(after connector: Int, for v: TrafficVehicle) -> Bool {
        guard let exit = network.lanes[connector].successors.first else { return true }
        let needed = v.length + TrafficVehicle.minimumGap + 2
        for w in vehicles where w.route[0] == exit && w.rearPosition < needed { return false }
        for w in vehicles where w.route[0] == connector && w.route.count > 1 && w.route[1] == exit {
            // Someone already crossing towards the same exit: leave them their room too.
            if network.lanes[connector].length - w.frontPosition + needed > 0 && w.speed < 1 { return false }
        }
        return true
    }

    // MARK: Step

    /// Distance from `v`'s front bumper to the nearest obstacle along its route (a rear
    /// bumper, or its stop line without a reservation), and the obstacle's speed.
    private func obstacle(for index: Int, byLane: [Int: [Int]], rearByLane: [Int: [Int]]) -> (gap: Double, speed: Double)? {
        let v = vehicles[index]
        var best: (gap: Double, speed: Double)?
        func consider(_ gap: Double, _ speed: Double) {
            if best == nil || gap < best!.gap { best = (gap, speed) }
        }
        var base = -v.frontPosition
        let lookahead = 250.0
        for (k, lane) in v.route.enumerated() {
            if base > lookahead { break }
            let laneLength = network.lanes[lane].length
            for w in byLane[lane] ?? [] where w != index {
                let other = vehicles[w]
                // Ahead means: front further along (ties broken by id so exactly one follows the other).
                let frontAhead = base + other.frontPosition
                guard frontAhead > 0 || (frontAhead == 0 && other.id < v.id) else { continue }
                consider(base + other.rearPosition, other.speed)
            }
            for w in rearByLane[lane] ?? [] where w != index {
                let other = vehicles[w]
                consider(base + laneLength + other.rearPosition, other.speed)
            }
            // A stop line: the next lane is a connector this vehicle may not enter yet.
            if k + 1 < v.route.count, network.lanes[v.route[k + 1]].kind == .connector, v.grantedConnector != v.route[k + 1] {
                consider(base + laneLength, 0)
                break
            }
            base += laneLength
        }
        return best
    }

    /// IDM desired speed at the vehicle's position: the lane's, lowered so that a slower
    /// lane ahead can be reached braking comfortably.
    private func effectiveDesiredSpeed(of v: TrafficVehicle) -> Double {
        var v0 = desiredSpeed(of: v, lane: v.route[0])
        var distance = network.lanes[v.route[0]].length - v.frontPosition
        for lane in v.route.dropFirst() {
            let next = desiredSpeed(of: v, lane: lane)
            v0 = min(v0, (next * next + 2 * v.comfortableDeceleration * max(0, distance)).squareRoot())
            distance += network.lanes[lane].length
            if distance > 200 { break }
        }
        return max(v0, 0.5)
    }

    /// Advances the simulation by one 0.05 s step.
    mutating func step() {
        let dt = Self.stepSeconds
        grantReservations()
        var byLane: [Int: [Int]] = [:]
        var rearByLane: [Int: [Int]] = [:]
        for (i, v) in vehicles.enumerated() {
            byLane[v.route[0], default: []].append(i)
            if let p = v.previousLane, v.rearPosition < 0 { rearByLane[p, default: []].append(i) }
        }
        var moves: [(speed: Double, advance: Double)] = []
        moves.reserveCapacity(vehicles.count)
        for i in vehicles.indices {
            let v = vehicles[i]
            let v0 = effectiveDesiredSpeed(of: v)
            var a = v.maxAcceleration * (1 - pow(v.speed / v0, 4))
            let ahead = obstacle(for: i, byLane: byLane, rearByLane: rearByLane)
            if let ahead {
                let dv = v.speed - ahead.speed
                let sStar = TrafficVehicle.minimumGap + max(0, v.speed * v.timeHeadway + v.speed * dv / (2 * (v.maxAcceleration * v.comfortableDeceleration).squareRoot()))
                let gap = max(ahead.gap, 0.01)
                a -= v.maxAcceleration * (sStar / gap) * (sStar / gap)
            }
            a = max(a, -9)
            var newSpeed = max(0, v.speed + a * dt)
            var advance = (v.speed + newSpeed) / 2 * dt
            if let ahead, advance > ahead.gap - 0.5 {
                // Hard guard: never close the last half metre, whatever the model says.
                advance = max(0, ahead.gap - 0.5)
                newSpeed = min(newSpeed, advance / dt)
            }
            moves.append((newSpeed, advance))
        }
        var kept: [TrafficVehicle] = []
        kept.reserveCapacity(vehicles.count)
        for i in vehicles.indices {
            var v = vehicles[i]
            v.speed = moves[i].speed
            v.frontPosition += moves[i].advance
            var leftWorld = false
            while v.frontPosition > network.lanes[v.route[0]].length {
                if v.route.count == 1 {
                    // Past the world's edge: gone once the rear has left too.
                    leftWorld = v.rearPosition > network.lanes[v.route[0]].length
                    break
                }
                v.frontPosition -= network.lanes[v.route[0]].length
                v.previousLane = v.route.removeFirst()
                if v.grantedConnector == v.route[0] { v.grantedConnector = nil }
                extendRoute(&v)
            }
            if !leftWorld { kept.append(v) }
        }
        vehicles = kept
        time += dt
        spawn()
    }

    private mutating func spawn() {
        for lane in network.entryLanes {
            guard let due = nextSpawnTime[lane], time >= due else { continue }
            let lastRear = vehicles.filter { $0.route[0] == lane }.map(\.rearPosition).min() ?? .infinity
            var v = makeVehicle(lane: lane, frontPosition: 0, speedFraction: 0.8)
            v.frontPosition = v.length
            guard lastRear >= v.length + TrafficVehicle.minimumGap + 6 else {
                nextID -= 1  // not placed: the id stays free so ids stay dense
                nextSpawnTime[lane] = time + 0.5
                continue
            }
            vehicles.append(v)
            nextSpawnTime[lane] = time + max(1.0, rng.exponential(mean: meanHeadway))
        }
    }

    // MARK: Output

    /// The current state of every vehicle as boxes on the ground: the centre is midway
    /// between the front and rear bumper points on the route, the heading points from the
    /// rear to the front (so turning vehicles follow the chord of their path).
    func snapshots() -> [VehicleSnapshot] {
        vehicles.map { v in
            let front = point(of: v, at: v.frontPosition)
            let rear = point(of: v, at: v.rearPosition)
            let d = front - rear
            return VehicleSnapshot(id: v.id, blueprint: v.blueprint, position: (front + rear) / 2, yaw: atan2(d.y, d.x), speed: v.speed)
        }
    }

    /// A point at arc length `s` of `route[0]` (negative `s` lies on the previous lane).
    private func point(of v: TrafficVehicle, at s: Double) -> SIMD2<Double> {
        if s < 0, let p = v.previousLane {
            return network.lanes[p].pose(at: network.lanes[p].length + s).position
        }
        return network.lanes[v.route[0]].pose(at: s).position
    }
}
