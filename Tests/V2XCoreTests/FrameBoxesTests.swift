import Foundation
import Testing
import V2XCore
import V2XTestSupport

@Suite struct FrameBoxesTests {
    @Test func roundTripsThroughJSONLines() throws {
        let dir = try TemporaryDirectory()
        let records = [
            FrameBoxes(scenario: "s", frame: "000068", ego: "1", timestamp: Timestamp(nanoseconds: 42), boxes: [
                Box3D(x: 1, y: 2, z: 0.8, l: 4.5, w: 1.9, h: 1.6, yaw: 0.3, score: 0.9, label: .car),
            ]),
            FrameBoxes(scenario: "s", frame: "000070", ego: "1", timestamp: Timestamp(nanoseconds: 100_000_042), boxes: []),
        ]
        try FrameBoxesFile.write(records, to: dir.file("d.jsonl"))
        #expect(try FrameBoxesFile.read(from: dir.file("d.jsonl")) == records)
        let line = try FrameBoxesFile.encodeLine(records[0])
        #expect(line.contains("\"timestamp_ns\":42"))
    }

    @Test func groundTruthOmitsScore() throws {
        let gt = FrameBoxes(scenario: "s", frame: "1", ego: "1", timestamp: Timestamp(nanoseconds: 0), boxes: [
            Box3D(x: 0, y: 0, z: 0, l: 1, w: 1, h: 1, yaw: 0),
        ])
        #expect(!(try FrameBoxesFile.encodeLine(gt)).contains("score"))
    }

    @Test func badLineIsReportedWithItsNumber() throws {
        let dir = try TemporaryDirectory()
        try "{\"scenario\":\"s\",\"frame\":\"1\",\"ego\":\"1\",\"timestamp_ns\":0,\"boxes\":[]}\n{oops\n"
            .write(to: dir.file("bad.jsonl"), atomically: true, encoding: .utf8)
        let error = try #require(throws: V2XError.self) { try FrameBoxesFile.read(from: dir.file("bad.jsonl")) }
        #expect(error.code == .malformedData && error.line == 2)
    }

    @Test func nonFiniteBoxesAreRefused() {
        let r = FrameBoxes(scenario: "s", frame: "1", ego: "1", timestamp: Timestamp(nanoseconds: 0), boxes: [
            Box3D(x: .nan, y: 0, z: 0, l: 1, w: 1, h: 1, yaw: 0),
        ])
        #expect(throws: V2XError.self) { try FrameBoxesFile.encodeLine(r) }
    }
}
