import Foundation
@testable import Scenario
import Testing
import V2XCore

@Suite("Generator agent selection")
struct AgentSelectionTests {
    @Test("every bundled preset finds its connected vehicles for 150 frames", arguments: ["intersection", "urban-grid", "highway", "suburban-t-junction", "freight-junction"])
    func presetsFindAgents(presetName: String) throws {
        let preset = try GeneratorFixtures.preset(presetName)
        for seed: UInt64 in [1, 2, 3] {
            let scenario = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: seed, frameCount: 150)
            #expect(scenario.agents.filter { $0.kind == .vehicle }.count == preset.agents.vehicleRigs.count)
            // Chosen vehicles start close together.
            let first = scenario.history[0].filter { scenario.agentVehicleIDs.contains($0.id) }.map(\.position)
            #expect(first.count == preset.agents.vehicleRigs.count)
            let centre = first.reduce(SIMD2<Double>.zero, +) / Double(first.count)
            for p in first { #expect(RoadLane.distance(p, centre) <= preset.agents.maxSpreadMeters) }
        }
    }

    @Test("too many frames for the roads gives a V2XError, not a crash")
    func impossibleRequest() throws {
        let preset = try GeneratorFixtures.preset("suburban-t-junction")
        #expect(throws: V2XError.self) {
            _ = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: 1, frameCount: 3000)
        }
    }
}
