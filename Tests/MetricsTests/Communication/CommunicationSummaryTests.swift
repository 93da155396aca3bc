import Foundation
import Testing
import V2XCore
import V2XTestSupport
@testable import Metrics

@Suite struct CommunicationSummaryTests {
    @Test func volumeFigures() throws {
        // Agent "a": frame 0 sends two messages (1000 + 1048 = 2048 B), frame 1 sends 2048 B.
        // Agent "b": frame 0 sends 8192 B. Agent-frames: 3, total 12288 B → mean 4096 B,
        // log2 = 12, Mbit/s = 4096·8·10/10⁶ = 0.32768. Cells: (10+10+20+40)/(4·100) = 0.2.
        let messages = [
            MessageRecord(agent: "a", frame: "0", bytes: 1000, cellsSent: 10, cellsTotal: 100),
            MessageRecord(agent: "a", frame: "0", bytes: 1048, cellsSent: 10, cellsTotal: 100),
            MessageRecord(agent: "a", frame: "1", bytes: 2048, cellsSent: 20, cellsTotal: 100),
            MessageRecord(agent: "b", frame: "0", bytes: 8192, cellsSent: 40, cellsTotal: 100),
        ]
        let s = CommunicationSummary(messages: messages)
        #expect(s.overall.agentFrames == 3 && s.overall.totalBytes == 12288)
        #expect(s.overall.bytesPerAgentFrame == 4096 && s.overall.log2Bytes == 12)
        #expect(abs(s.overall.megabitsPerSecond - 0.32768) < 1e-12)
        #expect(s.overall.fractionCellsSent == 0.2)
        #expect(s.perAgent.map(\.name) == ["a", "b"])
        #expect(s.perAgent[0].summary.bytesPerAgentFrame == 2048 && s.perAgent[1].summary.log2Bytes == 13)
        #expect(CommunicationSummary(messages: []).overall.log2Bytes == nil)
    }

    @Test func logReadsAndRejectsBadRecords() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("messages.jsonl")
        let records = [MessageRecord(agent: "a", frame: "0", timestampNanoseconds: 5, bytes: 10, cellsSent: 1, cellsTotal: 4)]
        try MessageLog.write(records, to: url)
        #expect(try MessageLog.read(from: url) == records)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"cells_sent\":1") && text.contains("\"timestamp_ns\":5"))
        try (text + #"{"agent":"a","frame":"1","bytes":10,"cells_sent":9,"cells_total":4}"# + "\n")
            .write(to: url, atomically: true, encoding: .utf8)
        let error = try #require(throws: V2XError.self) { try MessageLog.read(from: url) }
        #expect(error.line == 2 && error.path == url.path)
    }

    @Test func latencyPercentiles() throws {
        // 1…100 ms in one stage: p50 = 50 ms, p95 = 95 ms, p99 = 99 ms, max 100 ms, mean
        // 50.5 ms, each within HdrHistogram's 3-digit resolution (0.1 %).
        var records = (1...100).map { LatencyRecord(agent: "a", stage: "backbone", frame: "\($0)", nanoseconds: Int64($0) * 1_000_000) }
        records.append(LatencyRecord(agent: "a", stage: "send", frame: "1", nanoseconds: 250_000))
        let s = LatencySummary(records: records)
        #expect(s.stages.map(\.name) == ["backbone", "send"])
        let b = s.stages[0].summary
        #expect(b.count == 100)
        for (value, expected) in [(b.p50Milliseconds, 50.0), (b.p95Milliseconds, 95), (b.p99Milliseconds, 99), (b.maxMilliseconds, 100), (b.meanMilliseconds, 50.5)] {
            #expect(abs(value - expected) <= expected * 1e-3, "\(value) vs \(expected)")
        }
        #expect(abs(s.stages[1].summary.p50Milliseconds - 0.25) <= 0.25e-3)
    }

    @Test func latencyLogRejectsNegativeDurations() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("latency.jsonl")
        try #"{"agent":"a","stage":"fuse","frame":"0","nanoseconds":-3}"#.write(to: url, atomically: true, encoding: .utf8)
        let error = try #require(throws: V2XError.self) { try LatencyLog.read(from: url) }
        #expect(error.line == 1)
    }
}
