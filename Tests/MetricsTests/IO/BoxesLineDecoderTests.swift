import Foundation
import Testing
import V2XCore
import V2XTestSupport
@testable import Metrics

@Suite struct BoxesLineDecoderTests {
    private func decode(_ text: String) throws -> BoxesLineDecoder.Line {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try BoxesLineDecoder.decode($0) }
    }

    @Test func agreesWithJSONDecoderOnRandomRecords() throws {
        var rng = SeededGenerator(seed: 11)
        let names = ["plain", "quote \" and \\ back", "tab\tnew\nline", "ünïcödé ✓", "emoji 🚗", "slash /"]
        for k in 0..<200 {
            let boxes = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                Box3D(
                    x: .random(in: -1e3...1e3, using: &rng), y: .random(in: -1e-3...1e-3, using: &rng), z: -0.0,
                    l: .random(in: 0.1...20, using: &rng), w: 1e-7, h: 123456789.125, yaw: .random(in: -4...4, using: &rng),
                    score: Bool.random(using: &rng) ? .random(in: 0...1, using: &rng) : nil,
                    label: ObjectClass.allCases.randomElement(using: &rng) ?? .car
                )
            }
            let record = FrameBoxes(
                scenario: names[k % names.count], frame: String(k), ego: "-\(k)",
                timestamp: Timestamp(nanoseconds: .random(in: Int64.min...Int64.max, using: &rng)), boxes: boxes
            )
            let line = try FrameBoxesFile.encodeLine(record)
            let reference = try JSONDecoder().decode(FrameBoxes.self, from: Data(line.utf8))
            let ours = try decode(line)
            #expect(ours.record == reference, "\(line)")
            #expect(ours.visibility == Array(repeating: nil, count: boxes.count))
        }
    }

    @Test func keyOrderUnknownKeysNullScoreAndSpaces() throws {
        let text = """
             { "boxes" : [ {"label":"bus","extra":{"a":[1,2,{"b":null}],"c":"\\u00e9"},"yaw":1e-1,"h":2,"w":2.5E+0,"l":10,
            "z":0,"y":-3,"x":4.25,"score":null,"ego_points":0,"total_points":12,"flag":true} ],
              "note": [false, -0.5e-3, "x"], "timestamp_ns": -42, "ego":"7", "frame":"000001", "scenario":"s\\ud83d\\ude97" }\r
            """
        let line = try decode(text)
        #expect(line.record.scenario == "s🚗" && line.record.frame == "000001" && line.record.ego == "7")
        #expect(line.record.timestamp.nanoseconds == -42)
        #expect(line.record.boxes == [Box3D(x: 4.25, y: -3, z: 0, l: 10, w: 2.5, h: 2, yaw: 0.1, score: nil, label: .bus)])
        #expect(line.visibility == [BoxVisibility(egoPoints: 0, totalPoints: 12)])
    }

    @Test func refusesWhatJSONDecoderRefuses() {
        let good = #"{"scenario":"s","frame":"0","ego":"1","timestamp_ns":5,"boxes":[{"x":1,"y":2,"z":0,"l":4,"w":2,"h":1,"yaw":0,"label":"car"}]}"#
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: #""ego":"1","#, with: ""), "missing key \"ego\""),
            (good.replacingOccurrences(of: #""yaw":0,"#, with: ""), "missing key \"yaw\""),
            (good.replacingOccurrences(of: "car", with: "tank"), "unknown label"),
            (good.replacingOccurrences(of: #""x":1"#, with: #""x":01"#), "leading zero"),
            (good.replacingOccurrences(of: #""x":1"#, with: #""x":1."#), "digits after"),
            (good.replacingOccurrences(of: #""x":1"#, with: #""x":"1""#), "expected a number"),
            (good.replacingOccurrences(of: #""timestamp_ns":5"#, with: #""timestamp_ns":5.5"#), "expected an integer"),
            (good.replacingOccurrences(of: #""x":1"#, with: #""x":1e999"#), "out of range"),
            (good + "x", "unexpected text"),
            (String(good.dropLast()), "',' or '}'"),
            (#"{"scenario":"s\u0001"}"#.replacingOccurrences(of: "\\u0001", with: "\u{01}"), "control character"),
            (#"{"scenario":"\ud800"}"#, "surrogate"),
            (good.replacingOccurrences(of: #""label":"car""#, with: #""label":"car","ego_points":3"#), "together"),
        ]
        for (text, needle) in cases {
            do {
                _ = try decode(text)
                Issue.record("accepted: \(text)")
            } catch let error as BoxesLineDecoder.Failure {
                #expect(error.message.contains(needle), "\(error.message) for \(text)")
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func fileErrorsNameLineAndByte() throws {
        let dir = try TemporaryDirectory()
        let url = dir.file("pred.jsonl")
        let good = #"{"scenario":"s","frame":"0","ego":"1","timestamp_ns":5,"boxes":[]}"#
        try "\(good)\n  \n{\"scenario\":3}\n".write(to: url, atomically: true, encoding: .utf8)
        let error = try #require(throws: V2XError.self) { try DetectionsFile.read(from: url) }
        #expect(error.path == url.path && error.line == 3 && error.message.contains("byte 13"), "\(error)")
        try "\(good)\n\n\(good)".write(to: url, atomically: true, encoding: .utf8)
        #expect(try DetectionsFile.read(from: url).count == 2)
    }
}
