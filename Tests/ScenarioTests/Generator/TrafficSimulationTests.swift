import Foundation
@testable import Scenario
import Testing
import V2XCore

@Suite("Generator traffic")
struct TrafficSimulationTests {
    @Test("vehicles never overlap, keep their ids and move", arguments: ["intersection", "urban-grid", "suburban-t-junction", "highway", "freight-junction"])
    func noOverlap(presetName: String) throws {
        let preset = try GeneratorFixtures.preset(presetName)
        let world = WorldBuilder(preset: preset, seed: 11).build()
        var sim = TrafficSimulation(network: world.network, preset: preset, seed: 11)
        var lastPosition: [Int: SIMD2<Double>] = [:]
        var blueprintByID: [Int: VehicleBlueprint] = [:]
        var travelled = 0.0
        let parked = world.parkedVehicles.map { $0.blueprint.box(x: $0.position.x, y: $0.position.y, yaw: $0.yaw) }
        for step in 0..<400 {
            sim.step()
            guard step % 2 == 0 else { continue }
            let snaps = sim.snapshots()
            #expect(Set(snaps.map(\.id)).count == snaps.count)
            let boxes = snaps.map { $0.blueprint.box(x: $0.position.x, y: $0.position.y, yaw: $0.yaw) }
            // Bucket by 20 m cells so the pair test stays cheap.
            var cells: [SIMD2<Int>: [Int]] = [:]
            for (i, b) in boxes.enumerated() { cells[SIMD2(Int((b.x / 20).rounded(.down)), Int((b.y / 20).rounded(.down))), default: []].append(i) }
            for (i, a) in boxes.enumerated() {
                let c = SIMD2(Int((a.x / 20).rounded(.down)), Int((a.y / 20).rounded(.down)))
                for dx in -1...1 { for dy in -1...1 {
                    for j in cells[c &+ SIMD2(dx, dy)] ?? [] where j > i {
                        #expect(!GeneratorFixtures.footprintsOverlap(a, boxes[j]), "step \(step): vehicles \(snaps[i].id) and \(snaps[j].id) overlap")
                    }
                } }
                for p in parked where abs(p.x - a.x) < 15 && abs(p.y - a.y) < 15 {
                    #expect(!GeneratorFixtures.footprintsOverlap(a, p), "step \(step): vehicle \(snaps[i].id) overlaps a parked vehicle")
                }
            }
            for s in snaps {
                if let previous = blueprintByID[s.id] { #expect(previous == s.blueprint, "vehicle \(s.id) changed shape") }
                blueprintByID[s.id] = s.blueprint
                if let p = lastPosition[s.id] { travelled += RoadLane.distance(p, s.position) }
                lastPosition[s.id] = s.position
            }
        }
        #expect(blueprintByID.count > 10)
        #expect(travelled > 1000)
    }

    @Test("speeds stay within physical limits and vehicles drive on the right")
    func speedsAndSides() throws {
        let preset = try GeneratorFixtures.preset("intersection")
        let world = WorldBuilder(preset: preset, seed: 5).build()
        var sim = TrafficSimulation(network: world.network, preset: preset, seed: 5)
        let limit = preset.layout.speedLimitKilometersPerHour / 3.6
        var moving = 0
        for _ in 0..<200 {
            sim.step()
            for s in sim.snapshots() {
                #expect(s.speed >= 0 && s.speed <= limit * 1.25)
                if s.speed > 1 { moving += 1 }
                // On an arm along x, eastbound traffic (heading ≈ 0) keeps to y < 0.
                if abs(s.position.x) > 30 && abs(s.position.y) < 15 && abs(s.yaw) < 0.2 { #expect(s.position.y < 0) }
            }
        }
        #expect(moving > 100)
    }
}
