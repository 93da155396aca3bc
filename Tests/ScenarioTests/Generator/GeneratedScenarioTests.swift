import Foundation
@testable import Scenario
import Testing
import V2XCore

@Suite("Generated scenarios")
struct GeneratedScenarioTests {
    @Test("the same seed gives identical frames, another seed different ones")
    func determinism() throws {
        let preset = try GeneratorFixtures.preset("intersection")
        let catalog = try GeneratorFixtures.smallCatalog()
        let a = try GeneratedScenario(preset: preset, sensors: catalog, seed: 3, frameCount: 2)
        let b = try GeneratedScenario(preset: preset, sensors: catalog, seed: 3, frameCount: 2)
        let c = try GeneratedScenario(preset: preset, sensors: catalog, seed: 4, frameCount: 2)
        let fa = try a.frame(at: 1), fb = try b.frame(at: 1), fc = try c.frame(at: 1)
        #expect(fa == fb)
        #expect(fa.agents[0].points.count > 1000)
        #expect(fa.agents.map(\.points) != fc.agents.map(\.points))
    }

    @Test("agents: OPV2V ids, kinds, frame names, one scene")
    func agentsAndFrames() throws {
        let preset = try GeneratorFixtures.preset("intersection")
        let scenario = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: 8, frameCount: 3)
        #expect(scenario.name == "intersection_s8")
        #expect(scenario.frameIDs == ["000400", "000402", "000404"])
        #expect(scenario.agents.filter { $0.kind == .vehicle }.count == 3)
        #expect(scenario.agentIDs.last == "-1")
        for agent in scenario.agents {
            let id = try #require(Int(agent.id))
            #expect((id < 0) == (agent.kind == .roadsideUnit))
        }
        let frame = try scenario.frame(at: 2)
        #expect(frame.agents.map(\.agentID) == scenario.agentIDs)
        let positions = frame.agents.map { SIMD2($0.lidarPose.translation.x, $0.lidarPose.translation.y) }
        for p in positions { for q in positions { #expect(RoadLane.distance(p, q) < 2 * preset.agents.maxSpreadMeters + 30) } }
        for agent in frame.agents {
            #expect(agent.timestamp.nanoseconds == 404 * 50_000_000)  // the preset has no clock offset
            #expect(agent.reportedLidarPose == agent.lidarPose)
            // A vehicle agent is not in its own annotation, but the other agents list it.
            if agent.kind == .vehicle, let id = Int(agent.agentID) {
                #expect(!agent.objects.contains { $0.id == id })
                #expect(frame.agents.filter { $0.agentID != agent.agentID }.contains { $0.objects.contains { $0.id == id } })
            }
        }
    }

    @Test("points of each annotated vehicle lie inside its ground-truth box")
    func pointsInsideBoxes() throws {
        let preset = try GeneratorFixtures.preset("intersection")
        let scenario = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(dropout: 0), seed: 21, frameCount: 1)
        let frame = try scenario.frame(at: 0)
        var checkedObjects = 0
        for agent in frame.agents {
            let world = agent.points.transformed(by: agent.lidarPose)
            for object in agent.objects {
                var near = 0, inside = 0
                for i in 0..<world.count {
                    let p = SIMD3(Double(world.x[i]), Double(world.y[i]), Double(world.z[i]))
                    guard p.z > 0.2, object.box.contains(p, margin: 0.5) else { continue }
                    // Skip points that belong to another object's box (neighbours closer than 0.5 m).
                    if agent.objects.contains(where: { $0.id != object.id && $0.box.contains(p, margin: 0.1) }) { continue }
                    near += 1
                    if object.box.contains(p, margin: 0.1) { inside += 1 }
                }
                if near >= 10 {
                    checkedObjects += 1
                    #expect(inside == near, "agent \(agent.agentID): \(near - inside) of \(near) returns near object \(object.id) fall outside its box")
                }
            }
        }
        #expect(checkedObjects >= 3)
    }

    @Test("clock offsets and pose noise go into the timestamp and the reported pose only")
    func noise() throws {
        var preset = try GeneratorFixtures.preset("intersection")
        preset.noise = try .init(positionSigmaMeters: 0.5, headingSigmaDegrees: 1, clockOffsetMaxMilliseconds: 80)
        let scenario = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(), seed: 2, frameCount: 1)
        let frame = try scenario.frame(at: 0)
        var offsets = Set<Int64>()
        for agent in frame.agents {
            let offset = agent.timestamp.nanoseconds - 400 * 50_000_000
            #expect(abs(offset) <= 80_000_000)
            offsets.insert(offset)
            if agent.kind == .vehicle {
                #expect(agent.reportedLidarPose != agent.lidarPose)
                let d = agent.reportedLidarPose.translation - agent.lidarPose.translation
                #expect(abs(d.z) < 1e-9 && (d.x * d.x + d.y * d.y).squareRoot() < 5)
            } else {
                #expect(agent.reportedLidarPose == agent.lidarPose)
            }
        }
        #expect(offsets.count == frame.agents.count)
    }

    @Test("cooperation matters: collaborators see vehicles the ego cannot, and the ego sees most near ones")
    func cooperationMatters() throws {
        let preset = try GeneratorFixtures.preset("intersection")
        let scenario = try GeneratedScenario(preset: preset, sensors: GeneratorFixtures.smallCatalog(dropout: 0), seed: 13, frameCount: 1)
        let frame = try scenario.frame(at: 0)
        let ego = try #require(frame.agents.first { $0.kind == .vehicle })
        let entries = try CooperativeGroundTruth().entries(for: frame, egoID: ego.agentID)
        let onlyOthers = entries.filter { $0.egoPoints == 0 }
        let seenByEgo = entries.filter { $0.egoPoints > 0 }
        #expect(!onlyOthers.isEmpty, "no vehicle is hidden from the ego and seen by a collaborator")
        #expect(seenByEgo.count >= 3)
        // Hidden vehicles are a minority of the close ones (the scene is not all walls).
        let near = entries.filter { ($0.box.x * $0.box.x + $0.box.y * $0.box.y).squareRoot() < 25 }
        #expect(near.filter { $0.egoPoints > 0 }.count * 2 >= near.count)
    }
}
