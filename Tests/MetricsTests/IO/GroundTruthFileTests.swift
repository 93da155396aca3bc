import Foundation
import Testing
import V2XCore
import V2XTestSupport
@testable import Metrics

@Suite struct GroundTruthFileTests {
    typealias B = TestBoxes

    @Test func roundTripWithVisibility() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("gt.jsonl")
        let frame = try GroundTruthFrame(
            record: B.frame("000068", [B.car(1, 2), B.car(-3, 4, yaw: 0.5, label: .bus)]),
            visibility: [BoxVisibility(egoPoints: 0, totalPoints: 9), nil]
        )
        try GroundTruthFile.write([frame, GroundTruthFrame(record: B.frame("000069", []))], to: url)
        let back = try GroundTruthFile.read(from: url)
        #expect(back == [frame, GroundTruthFrame(record: B.frame("000069", []))])
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("\"ego_points\":0") && text.contains("\"total_points\":9"))
        // Plain detections-format readers ignore the extra keys.
        #expect(try FrameBoxesFile.read(from: url).map(\.boxes) == [frame.record.boxes, []])
    }

    @Test func plainFileReadsWithUnknownVisibility() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("plain.jsonl")
        try FrameBoxesFile.write([B.frame("0", [B.car(1, 1)])], to: url)
        let back = try GroundTruthFile.read(from: url)
        #expect(back.count == 1 && back[0].visibility == [nil])
    }

    @Test func badLinesAreNamed() throws {
        let dir = try TemporaryDirectory()
        let good = try FrameBoxesFile.encodeLine(B.frame("0", [B.car(1, 1)]))
        let cases: [(String, String)] = [
            ("\(good)\n{\"frame\": 3", "malformed"),
            ("\(good)\n\(good.replacingOccurrences(of: "\"yaw\"", with: "\"ego_points\":2,\"yaw\""))", "together"),
            ("\(good)\n\(good.replacingOccurrences(of: "\"yaw\"", with: "\"ego_points\":5,\"total_points\":2,\"yaw\""))", "ego_points"),
            ("\(good)\n\(good.replacingOccurrences(of: "\"l\":4", with: "\"l\":-4"))", "size"),
        ]
        for (i, (text, needle)) in cases.enumerated() {
            let url = dir.file("bad\(i).jsonl")
            try text.write(to: url, atomically: true, encoding: .utf8)
            let error = try #require(throws: V2XError.self) { try GroundTruthFile.read(from: url) }
            #expect(error.path == url.path && error.line == 2, "\(error)")
            #expect(error.description.contains(needle) || needle == "malformed", "\(error)")
        }
        let missing = try #require(throws: V2XError.self) { try GroundTruthFile.read(from: dir.file("none.jsonl")) }
        #expect(missing.code == .ioFailure && missing.path == dir.file("none.jsonl").path)
    }

    @Test func detectionsNeedScores() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("pred.jsonl")
        let scored = try FrameBoxesFile.encodeLine(B.frame("0", [B.car(1, 1, score: 0.5)]))
        let unscored = try FrameBoxesFile.encodeLine(B.frame("1", [B.car(1, 1)]))
        try "\(scored)\n\n\(unscored)\n".write(to: url, atomically: true, encoding: .utf8)
        let error = try #require(throws: V2XError.self) { try DetectionsFile.read(from: url) }
        #expect(error.line == 3 && error.message.contains("no score"))
        try "\(scored)\n".write(to: url, atomically: true, encoding: .utf8)
        #expect(try DetectionsFile.read(from: url).count == 1)
    }
}
