import Foundation
@testable import Scenario
import Testing
import V2XTestSupport

/// The byte parser must agree bit for bit with the standard library's correctly rounded parser.
@Suite struct ASCIINumberParserTests {
    private func float(_ text: String) -> Float? {
        Array(text.utf8).withUnsafeBufferPointer { ASCIINumberParser.float($0.baseAddress!, count: $0.count) }
    }

    private func double(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { ASCIINumberParser.double($0.baseAddress!, count: $0.count) }
    }

    private func agrees(_ text: String) -> Bool {
        guard let reference = Float(text), let parsed = float(text) else { return false }
        return parsed.bitPattern == reference.bitPattern || (parsed.isNaN && reference.isNaN)
    }

    @Test func randomFloatsInManyForms() {
        var rng = SeededGenerator(seed: 5)
        var failures: [String] = []
        for _ in 0..<20_000 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            guard value.isFinite else { continue }
            let texts = [
                value.description, String(format: "%.10g", Double(value)), String(format: "%.6e", Double(value)),
                String(format: "%.3f", Double(value)), String(format: "%.17g", Double(value)),
                String(format: "%.25f", Double(value)),
            ]
            failures += texts.filter { !agrees($0) }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func valuesNextToRoundingBoundariesTakeTheExactPath() {
        // Midpoints between neighbouring floats (exact in Double), and values a hair off them.
        var rng = SeededGenerator(seed: 9)
        var failures: [String] = []
        for _ in 0..<5_000 {
            let f = Float(bitPattern: UInt32.random(in: 0..<0x7F7F_FFFF, using: &rng))
            let mid = (Double(f) + Double(f.nextUp)) / 2
            for candidate in [mid, mid.nextUp, mid.nextDown] {
                for text in [String(format: "%.17g", candidate), String(format: "%.40g", candidate), "\(candidate)"] where !agrees(text) {
                    failures.append(text)
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func subnormalsAndEdges() {
        for text in [
            "1e-45", "7e-46", "7.1e-46", "1.4e-45", "4.3596e-41", "9.18355e-41", "2.3418052e-38", "1.17549435e-38",
            "3.4028235e+38", "3.4028236e38", "3.40282357e38", "1e39", "1e-50", "0.0000000000000000000000000000000000000000000014",
            "123456789012345678901234567890", "0.000123456789012345678901234567890e5", "-0", "+0.0", ".5", "5.", "-.5e1",
            "00000000000000000000000000001.5", "1E10", "1e+0010",
        ] {
            #expect(agrees(text), "\(text)")
        }
        #expect(float("nan")!.isNaN && float("-NaN")!.isNaN && float("inf") == .infinity && float("-Infinity") == -.infinity)
        #expect(float("1e99999999999999999") == .infinity && float("1e-99999999999999999") == 0)
    }

    @Test func doublesAgreeWithTheStandardLibrary() {
        var rng = SeededGenerator(seed: 13)
        var failures: [String] = []
        for _ in 0..<10_000 {
            let value = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            guard value.isFinite else { continue }
            for text in [value.description, String(format: "%.6g", value), String(format: "%.15g", value)] {
                if double(text)?.bitPattern != Double(text)?.bitPattern { failures.append(text) }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test func rejectsWhatIsNotANumber() {
        for text in ["", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "1,5", "0x1p3", "nanx", "in", "1 2", "--1", "1e5x"] {
            #expect(float(text) == nil, "\(text)")
        }
    }

    @Test func integersRespectTheirWidth() {
        func signed(_ text: String, _ bits: Int) -> Int64? {
            Array(text.utf8).withUnsafeBufferPointer { ASCIINumberParser.signed($0.baseAddress!, count: $0.count, bits: bits) }
        }
        func unsigned(_ text: String, _ bits: Int) -> UInt64? {
            Array(text.utf8).withUnsafeBufferPointer { ASCIINumberParser.unsigned($0.baseAddress!, count: $0.count, bits: bits) }
        }
        #expect(signed("-128", 8) == -128 && signed("127", 8) == 127 && signed("128", 8) == nil && signed("-129", 8) == nil)
        #expect(signed("-9223372036854775808", 64) == .min && signed("9223372036854775808", 64) == nil)
        #expect(unsigned("255", 8) == 255 && unsigned("256", 8) == nil && unsigned("-1", 8) == nil)
        #expect(unsigned("18446744073709551615", 64) == .max && unsigned("18446744073709551616", 64) == nil)
        #expect(signed("1.0", 32) == nil && unsigned("", 16) == nil)
    }
}
