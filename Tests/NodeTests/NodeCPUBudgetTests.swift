import Foundation
import Fusion
import Testing

struct NodeCPUBudgetTests {
    static func node(_ id: String, cpuSeconds: Double?) -> NodeRunSummary {
        var summary = NodeRunSummary(agent: id, isEgo: id == "ego")
        summary.cpuSeconds = cpuSeconds
        return summary
    }

    @Test func sumsTheNodesAgainstTheCoresAtTheSensorRate() throws {
        // 4 + 3 + 3 + 3 = 13 core-seconds over 80 frames = 162.5 core-ms per frame; 2 cores at 10 Hz give 200.
        let nodes = [Self.node("ego", cpuSeconds: 4)] + (1...3).map { Self.node("c\($0)", cpuSeconds: 3) }
        let budget = try #require(NodeCPUBudget(summaries: nodes, frames: 80, rateHz: 10, cores: 2))
        #expect(budget.nodes == 4)
        #expect(abs(budget.usedMillisecondsPerFrame - 162.5) < 1e-9)
        #expect(budget.availableMillisecondsPerFrame == 200)
        #expect(abs(budget.realTimeLoad - 0.8125) < 1e-12)
    }

    @Test func nodesWithoutACPUTimeAreLeftOut() throws {
        let budget = try #require(NodeCPUBudget(summaries: [Self.node("ego", cpuSeconds: 2), Self.node("killed", cpuSeconds: nil)], frames: 10, rateHz: 10, cores: 2))
        #expect(budget.nodes == 1)
        #expect(budget.usedMillisecondsPerFrame == 200)
        #expect(budget.realTimeLoad == 1)
    }

    @Test func nothingToSayWithoutTimesOrFrames() {
        #expect(NodeCPUBudget(summaries: [Self.node("ego", cpuSeconds: nil)], frames: 10, rateHz: 10, cores: 2) == nil)
        #expect(NodeCPUBudget(summaries: [Self.node("ego", cpuSeconds: 1)], frames: 0, rateHz: 10, cores: 2) == nil)
        #expect(NodeCPUBudget(summaries: [Self.node("ego", cpuSeconds: 1)], frames: 10, rateHz: 0, cores: 2) == nil)
    }

    @Test func summariesWrittenBeforeCPUTimeStillDecode() throws {
        let old = #"{"agent":"1","is_ego":false,"frames_processed":3,"frames_skipped":0,"messages_sent":3,"link_lost":{},"link_queue_dropped":{},"publisher_pending_dropped":0,"messages_accepted":0,"messages_rejected":{},"messages_discarded":{},"decode_failures":0,"collaborators_fused":0,"ending":"finished"}"#
        let summary = try JSONDecoder().decode(NodeRunSummary.self, from: Data(old.utf8))
        #expect(summary.cpuSeconds == nil)
        #expect(summary.framesProcessed == 3)
    }
}
