import Foundation
import V2XCore

/// Lays out a world from a preset and a seed: the road graph for the layout kind, the
/// ground paint, buildings along the streets, trees, walls, barriers, parked vehicles and
/// roadside-unit sites.
///
/// All layouts are axis-aligned (roads run along x or y), which lets buildings be placed
/// with axis-aligned overlap tests. Deterministic: the same preset and seed give the same
/// world, drawn from the generator's "world" random stream.
struct WorldBuilder {
    let preset: ScenarioPreset
    let seed: UInt64

    /// Object ids of parked vehicles start here; moving traffic starts at `TrafficSimulation.firstVehicleID`.
    static let firstParkedID = 101

    /// Reflectivities of ground materials.
    static let asphalt: Float = 0.12
    static let paint: Float = 0.65
    static let concrete: Float = 0.3
    static let grass: Float = 0.2

    func build() -> WorldMap {
        var rng = SeededRandom(seed: seed, stream: 1)
        let layout = preset.layout
        let urban = layout.kind != .highway
        let section = RoadNetwork.CrossSection(
            lanesPerDirection: layout.lanesPerDirection, laneWidth: layout.laneWidthMeters,
            medianHalfWidth: urban ? 0 : 0.75,
            outerStrip: urban ? (layout.parkingLane ? 2.4 : 0.5) : 3.0,
            speedLimit: layout.speedLimitKilometersPerHour / 3.6
        )
        var nodes: [SIMD2<Double>] = []
        var junctionNodes = Set<Int>()
        var edges: [(Int, Int)] = []
        switch layout.kind {
        case .intersection:
            nodes.append(.zero)
            junctionNodes.insert(0)
            let angles: [Double] = layout.arms == 4 ? [0, .pi / 2, .pi, -.pi / 2] : [0, .pi / 2, .pi]
            for a in angles {
                nodes.append(SIMD2(cos(a), sin(a)) * layout.armLengthMeters)
                edges.append((0, nodes.count - 1))
            }
        case .grid:
            let g = layout.gridSize, b = layout.blockSizeMeters
            let half = Double(g - 1) / 2
            func junction(_ i: Int, _ j: Int) -> Int { j * g + i }
            for j in 0..<g { for i in 0..<g { nodes.append(SIMD2((Double(i) - half) * b, (Double(j) - half) * b)) } }
            junctionNodes = Set(0..<(g * g))
            for j in 0..<g {
                for i in 0..<g {
                    if i + 1 < g { edges.append((junction(i, j), junction(i + 1, j))) }
                    if j + 1 < g { edges.append((junction(i, j), junction(i, j + 1))) }
                }
            }
            let outer = half * b + layout.armLengthMeters
            for k in 0..<g {
                let c = (Double(k) - half) * b
                for (end, p) in [(junction(0, k), SIMD2(-outer, c)), (junction(g - 1, k), SIMD2(outer, c)),
                                 (junction(k, 0), SIMD2(c, -outer)), (junction(k, g - 1), SIMD2(c, outer))] {
                    nodes.append(p)
                    edges.append((end, nodes.count - 1))
                }
            }
        case .highway:
            let half = layout.armLengthMeters / 2
            nodes = [SIMD2(-half, 0), SIMD2(half, 0)]
            edges = [(0, 1)]
        }
        let network = RoadNetwork(nodes: nodes, junctionNodes: junctionNodes, edges: edges, crossSection: section)
        let lower = nodes.reduce(SIMD2(repeating: Double.infinity)) { pointwiseMin($0, $1) }
        let upper = nodes.reduce(SIMD2(repeating: -Double.infinity)) { pointwiseMax($0, $1) }

        var scenery: [SolidBox] = []
        let ground = paintGround(network: network, lower: lower, upper: upper, urban: urban)
        if urban { placeBuildings(network: network, rng: &rng, into: &scenery) }
        if layout.kind == .highway && preset.scenery.barriers { placeBarriers(network: network, rng: &rng, into: &scenery) }
        placeTrees(network: network, rng: &rng, into: &scenery)
        let parked = placeParkedVehicles(network: network, rng: &rng)
        let sites = roadsideSites(network: network)
        let focus: SIMD2<Double> = network.junctions.min { simd2Length($0) < simd2Length($1) } ?? .zero
        return WorldMap(
            network: network, scenery: scenery, parkedVehicles: parked, roadsideSites: sites, ground: ground, focus: focus
        )
    }

    private func simd2Length(_ p: SIMD2<Double>) -> Double { (p * p).sum().squareRoot() }

    // MARK: Ground paint

    private func paintGround(network: RoadNetwork, lower: SIMD2<Double>, upper: SIMD2<Double>, urban: Bool) -> GroundMaterialMap {
        let margin = 40.0
        var map = GroundMaterialMap(
            minX: lower.x - margin, minY: lower.y - margin, maxX: upper.x + margin, maxY: upper.y + margin,
            cellSizeMeters: 0.2, background: urban ? Self.concrete : Self.grass
        )
        let section = network.crossSection
        let hw = section.halfWidth
        let sidewalk = preset.layout.sidewalkWidthMeters
        for s in network.segments {
            let mid = (s.from + s.to) / 2
            if urban && sidewalk > 0 {
                map.paint(centerX: mid.x, centerY: mid.y, length: s.length, width: 2 * (hw + sidewalk), yaw: s.heading, reflectivity: Self.concrete + 0.05)
            }
        }
        for s in network.segments {
            let mid = (s.from + s.to) / 2
            map.paint(centerX: mid.x, centerY: mid.y, length: s.length, width: 2 * hw, yaw: s.heading, reflectivity: Self.asphalt)
        }
        for j in network.junctions {
            map.paint(centerX: j.x, centerY: j.y, length: 2 * hw, width: 2 * hw, yaw: 0, reflectivity: Self.asphalt)
        }
        // Markings: lane dividers (dashed 3 m on, 6 m off), edge lines, centre line, stop lines.
        let lineWidth = 0.15
        for s in network.segments {
            let u = s.direction
            let left = SIMD2(-u.y, u.x)
            let t0 = s.fromIsJunction ? network.junctionRadius : 0
            let t1 = s.length - (s.toIsJunction ? network.junctionRadius : 0)
            guard t1 > t0 else { continue }
            func line(offset: Double, dashed: Bool) {
                if dashed {
                    var t = t0
                    while t + 3 <= t1 {
                        let c = s.from + u * (t + 1.5) + left * offset
                        map.paint(centerX: c.x, centerY: c.y, length: 3, width: lineWidth, yaw: s.heading, reflectivity: Self.paint)
                        t += 9
                    }
                } else {
                    let c = s.from + u * ((t0 + t1) / 2) + left * offset
                    map.paint(centerX: c.x, centerY: c.y, length: t1 - t0, width: lineWidth, yaw: s.heading, reflectivity: Self.paint)
                }
            }
            for side in [-1.0, 1.0] {
                if section.medianHalfWidth > 0 { line(offset: side * section.medianHalfWidth, dashed: false) }
                for k in 1..<max(1, section.lanesPerDirection) {
                    line(offset: side * (section.medianHalfWidth + Double(k) * section.laneWidth), dashed: true)
                }
                line(offset: side * (section.medianHalfWidth + Double(section.lanesPerDirection) * section.laneWidth), dashed: false)
            }
            if section.medianHalfWidth == 0 { line(offset: 0, dashed: false) }
            // Stop lines across the lanes that arrive at a junction.
            let carriageway = Double(section.lanesPerDirection) * section.laneWidth
            if s.toIsJunction {
                let c = s.from + u * (t1 - 0.3) - left * (section.medianHalfWidth + carriageway / 2)
                map.paint(centerX: c.x, centerY: c.y, length: 0.4, width: carriageway, yaw: s.heading, reflectivity: Self.paint)
            }
            if s.fromIsJunction {
                let c = s.from + u * (t0 + 0.3) + left * (section.medianHalfWidth + carriageway / 2)
                map.paint(centerX: c.x, centerY: c.y, length: 0.4, width: carriageway, yaw: s.heading, reflectivity: Self.paint)
            }
        }
        return map
    }

    // MARK: Buildings

    /// Axis-aligned footprint `(minX, minY, maxX, maxY)`.
    private typealias Footprint = SIMD4<Double>

    private func overlaps(_ a: Footprint, _ b: Footprint) -> Bool {
        a.x < b.z && b.x < a.z && a.y < b.w && b.y < a.w
    }

    /// Footprints that buildings must keep clear of: every carriageway and its sidewalks.
    private func roadCorridors(network: RoadNetwork) -> [Footprint] {
        let clear = network.crossSection.halfWidth + preset.layout.sidewalkWidthMeters + preset.scenery.buildingSetbackMeters
        return network.segments.map { s in
            let lo = pointwiseMin(s.from, s.to), hi = pointwiseMax(s.from, s.to)
            return Footprint(lo.x - clear, lo.y - clear, hi.x + clear, hi.y + clear)
        }
    }

    private func placeBuildings(network: RoadNetwork, rng: inout SeededRandom, into solids: inout [SolidBox]) {
        let heights = preset.scenery.buildingHeightMeters
        guard heights[1] > 0 else { return }
        let corridors = roadCorridors(network: network)
        var placed: [Footprint] = []
        let front = network.crossSection.halfWidth + preset.layout.sidewalkWidthMeters + preset.scenery.buildingSetbackMeters
        for s in network.segments {
            let u = s.direction
            let left = SIMD2(-u.y, u.x)
            for side in [-1.0, 1.0] {
                var t = (s.fromIsJunction ? front : 4) + rng.uniform(0, 3)
                let end = s.length - (s.toIsJunction ? front : 4)
                while t < end - 8 {
                    let width = min(rng.uniform(10, 32), end - t)
                    let depth = rng.uniform(10, 28)
                    let roll = rng.unit()
                    defer { t += width + (rng.unit() < 0.5 ? rng.uniform(1.5, 6) : 0.2) }
                    if roll < 0.12 { continue }  // an empty lot: a gap in the street wall
                    let centre = s.from + u * (t + width / 2) + left * side * (front + depth / 2)
                    let halfX = abs(u.x) * width / 2 + abs(u.y) * depth / 2
                    let halfY = abs(u.y) * width / 2 + abs(u.x) * depth / 2
                    let fp = Footprint(centre.x - halfX, centre.y - halfY, centre.x + halfX, centre.y + halfY)
                    if corridors.contains(where: { overlaps($0, fp) }) || placed.contains(where: { overlaps($0, fp) }) { continue }
                    placed.append(fp)
                    let reflectivity = rng.uniform(0.18, 0.5)
                    if roll < 0.25 {
                        // A walled yard: a 2 m wall along the frontage instead of a building.
                        let wallCentre = s.from + u * (t + width / 2) + left * side * (front + 0.15)
                        solids.append(SolidBox(x: wallCentre.x, y: wallCentre.y, baseZ: 0, length: width, width: 0.3, height: rng.uniform(1.6, 2.6),
                                               yaw: s.heading, reflectivity: reflectivity))
                        continue
                    }
                    let height = rng.uniform(heights[0], heights[1])
                    if height > 15 && rng.unit() < 0.4 {
                        // Podium and a tower set back from the street.
                        solids.append(SolidBox(x: centre.x, y: centre.y, baseZ: 0, length: width, width: depth, height: rng.uniform(4, 7),
                                               yaw: s.heading, reflectivity: reflectivity))
                        let towerCentre = centre + left * side * depth * 0.15
                        solids.append(SolidBox(x: towerCentre.x, y: towerCentre.y, baseZ: 0, length: width * 0.7, width: depth * 0.6, height: height,
                                               yaw: s.heading, reflectivity: reflectivity))
                    } else {
                        solids.append(SolidBox(x: centre.x, y: centre.y, baseZ: 0, length: width, width: depth, height: height,
                                               yaw: s.heading, reflectivity: reflectivity))
                    }
                }
            }
        }
    }

    // MARK: Highway barriers

    private func placeBarriers(network: RoadNetwork, rng: inout SeededRandom, into solids: inout [SolidBox]) {
        let wallOffset = network.crossSection.halfWidth + 2.5
        for s in network.segments {
            let u = s.direction
            let left = SIMD2(-u.y, u.x)
            let piece = 40.0
            var t = 0.0
            while t < s.length {
                let l = min(piece, s.length - t)
                let c = s.from + u * (t + l / 2)
                solids.append(SolidBox(x: c.x, y: c.y, baseZ: 0, length: l, width: 0.6, height: 0.9, yaw: s.heading, reflectivity: 0.35))
                for side in [-1.0, 1.0] {
                    let w = c + left * side * wallOffset
                    solids.append(SolidBox(x: w.x, y: w.y, baseZ: 0, length: l, width: 0.3, height: rng.uniform(3.5, 4.5), yaw: s.heading, reflectivity: 0.3))
                }
                t += piece
            }
        }
    }

    // MARK: Trees

    private func placeTrees(network: RoadNetwork, rng: inout SeededRandom, into solids: inout [SolidBox]) {
        let density = preset.scenery.treesPer100Meters
        guard density > 0 else { return }
        let urban = preset.layout.kind != .highway
        let sidewalk = preset.layout.sidewalkWidthMeters
        if urban && sidewalk < 1.5 { return }
        let offset = urban ? network.crossSection.halfWidth + min(0.9, sidewalk / 2)
            : network.crossSection.halfWidth + (preset.scenery.barriers ? 6 : 4)
        let spacing = 100 / density
        for s in network.segments {
            let u = s.direction
            let left = SIMD2(-u.y, u.x)
            let clear = network.junctionRadius + 8
            for side in [-1.0, 1.0] {
                var t = (s.fromIsJunction ? clear : 5) + rng.uniform(0, spacing)
                let end = s.length - (s.toIsJunction ? clear : 5)
                while t < end {
                    let p = s.from + u * t + left * side * offset
                    let trunkHeight = rng.uniform(2.2, 3.4)
                    let crown = rng.uniform(2.4, 4.2)
                    solids.append(SolidBox(x: p.x, y: p.y, baseZ: 0, length: 0.35, width: 0.35, height: trunkHeight, yaw: 0, reflectivity: 0.3))
                    solids.append(SolidBox(x: p.x, y: p.y, baseZ: trunkHeight, length: crown, width: crown, height: crown * rng.uniform(0.8, 1.2),
                                           yaw: rng.uniform(0, .pi / 2), reflectivity: 0.45))
                    t += spacing * rng.uniform(0.7, 1.3)
                }
            }
        }
    }

    // MARK: Parked vehicles

    private func placeParkedVehicles(network: RoadNetwork, rng: inout SeededRandom) -> [WorldMap.ParkedVehicle] {
        let count = preset.scenery.parkedVehicles
        guard count > 0 else { return [] }
        let section = network.crossSection
        let lateral = section.medianHalfWidth + Double(section.lanesPerDirection) * section.laneWidth + section.outerStrip / 2
        var slots: [(SIMD2<Double>, Double)] = []
        let slotLength = 7.5
        for s in network.segments {
            let u = s.direction
            let right = SIMD2(u.y, -u.x)
            let clear = network.junctionRadius + 10
            let t0 = s.fromIsJunction ? clear : 15, t1 = s.length - (s.toIsJunction ? clear : 15)
            var t = t0
            while t + slotLength <= t1 {
                // Forward direction on the right side, backward direction on the left side.
                let a = s.from + u * (t + slotLength / 2)
                slots.append((a + right * lateral, s.heading))
                slots.append((a - right * lateral, RoadNetwork.wrap(s.heading + .pi)))
                t += slotLength
            }
        }
        // Shuffle (Fisher–Yates with our generator) and take the first `count` slots.
        for i in stride(from: slots.count - 1, to: 0, by: -1) { slots.swapAt(i, rng.int(in: 0...i)) }
        var out: [WorldMap.ParkedVehicle] = []
        for (i, slot) in slots.prefix(count).enumerated() {
            let label: ObjectClass = rng.unit() < 0.85 ? .car : .van
            var blueprint = VehicleBlueprint.sample(label, using: &rng)
            blueprint.length = min(blueprint.length, slotLength - 0.8)
            out.append(.init(id: Self.firstParkedID + i, blueprint: blueprint, position: slot.0, yaw: slot.1))
        }
        return out
    }

    // MARK: Roadside units

    private func roadsideSites(network: RoadNetwork) -> [WorldMap.RoadsideSite] {
        let hw = network.crossSection.halfWidth
        if let j = network.junctions.min(by: { simd2Length($0) < simd2Length($1) }) {
            let d = hw + max(0.8, preset.layout.sidewalkWidthMeters / 2)
            return [SIMD2(d, d), SIMD2(-d, -d), SIMD2(-d, d), SIMD2(d, -d)].map { corner in
                WorldMap.RoadsideSite(position: j + corner, yaw: atan2(-corner.y, -corner.x))
            }
        }
        let d = hw + 1.2
        return [WorldMap.RoadsideSite(position: SIMD2(0, -d), yaw: .pi / 2), WorldMap.RoadsideSite(position: SIMD2(60, d), yaw: -.pi / 2)]
    }
}
