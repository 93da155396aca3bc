import Foundation

import V2XCore

/// A fast decoder for one line of a detections or ground-truth JSON Lines file, written
/// for `v2x eval`'s volumes (10⁴ frames × 50 boxes must read in seconds, where the
/// general `JSONDecoder` spends most of the run).
///
/// It reads exactly the records `FrameBoxes` (and `GroundTruthFile`) decode: an object
/// with `scenario`, `frame`, `ego` (strings), `timestamp_ns` (integer) and `boxes` (array of
/// objects with numbers `x y z l w h yaw`, optional `score` (number or null), `label`
/// (an `ObjectClass` raw value), optional integers `ego_points`/`total_points`). Keys may
/// come in any order; unknown keys (with any JSON value) are skipped, as `JSONDecoder`
/// does. Strings support every JSON escape, including surrogate pairs.
struct BoxesLineDecoder {
    /// A decoded line: the record and, parallel to its boxes, the optional visibility keys.
    struct Line {
        var record: FrameBoxes
        var visibility: [BoxVisibility?]
    }

    /// Why a line was refused, with the 0-based byte offset where it was noticed.
    struct Failure: Error {
        var message: String
        var offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Reads a whole file: every non-blank line decoded, with its 1-based line number.
    /// - Throws: `V2XError.ioFailure` when the file cannot be read; `.malformedData` naming
    ///   the file, the line and the byte in that line of the first record that does not decode.
    static func read(from url: URL) throws -> [JSONLines.Numbered<Line>] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw V2XError(.ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> [JSONLines.Numbered<Line>] in
            let all = raw.bindMemory(to: UInt8.self)
            var out: [JSONLines.Numbered<Line>] = []
            var lineNumber = 0
            var start = 0
            while start <= all.count {
                var end = start
                while end < all.count, all[end] != 0x0A { end += 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: all[start..<end])
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    do {
                        out.append(JSONLines.Numbered(line: lineNumber, value: try decode(line)))
                    } catch let error as Failure {
                        throw V2XError(.malformedData, "\(error.message) (byte \(error.offset + 1))", path: url.path, line: lineNumber)
                    }
                }
                start = end + 1
            }
            return out
        }
    }

    /// Decodes one line (no newline inside).
    static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> Line {
        var d = BoxesLineDecoder(line)
        let result = try d.record()
        d.skipSpace()
        guard d.i == line.count else { throw d.fail("unexpected text after the record") }
        return result
    }

    // MARK: Record structure

    private mutating func record() throws(Failure) -> Line {
        var scenario: String?, frame: String?, ego: String?, timestamp: Int64?
        var boxes: [Box3D]?
        var visibility: [BoxVisibility?] = []
        try object { (d: inout BoxesLineDecoder, key: String) throws(Failure) in
            switch key {
            case "scenario": scenario = try d.string()
            case "frame": frame = try d.string()
            case "ego": ego = try d.string()
            case "timestamp_ns": timestamp = try d.integer()
            case "boxes":
                var list: [Box3D] = []
                visibility = []
                try d.array { (d: inout BoxesLineDecoder) throws(Failure) in
                    let (box, v) = try d.box()
                    list.append(box)
                    visibility.append(v)
                }
                boxes = list
            default: try d.skipValue()
            }
        }
        guard let scenario else { throw fail("missing key \"scenario\"") }
        guard let frame else { throw fail("missing key \"frame\"") }
        guard let ego else { throw fail("missing key \"ego\"") }
        guard let timestamp else { throw fail("missing key \"timestamp_ns\"") }
        guard let boxes else { throw fail("missing key \"boxes\"") }
        return Line(
            record: FrameBoxes(scenario: scenario, frame: frame, ego: ego, timestamp: Timestamp(nanoseconds: timestamp), boxes: boxes),
            visibility: visibility
        )
    }

    private mutating func box() throws(Failure) -> (Box3D, BoxVisibility?) {
        let start = i
        var v = [Double?](repeating: nil, count: 7)
        var score: Double?
        var label: ObjectClass?
        var egoPoints: Int64?, totalPoints: Int64?
        try object { (d: inout BoxesLineDecoder, key: String) throws(Failure) in
            switch key {
            case "x": v[0] = try d.number()
            case "y": v[1] = try d.number()
            case "z": v[2] = try d.number()
            case "l": v[3] = try d.number()
            case "w": v[4] = try d.number()
            case "h": v[5] = try d.number()
            case "yaw": v[6] = try d.number()
            case "score": score = try d.null() ? nil : d.number()
            case "label":
                let at = d.i
                let raw = try d.string()
                guard let c = ObjectClass(rawValue: raw) else {
                    throw Failure(message: "unknown label \"\(raw)\" (expected one of \(ObjectClass.allCases.map(\.rawValue).joined(separator: ", ")))", offset: at)
                }
                label = c
            case "ego_points": egoPoints = try d.integer()
            case "total_points": totalPoints = try d.integer()
            default: try d.skipValue()
            }
        }
        let names = ["x", "y", "z", "l", "w", "h", "yaw"]
        for k in 0..<7 where v[k] == nil { throw Failure(message: "box is missing key \"\(names[k])\"", offset: start) }
        guard let label else { throw Failure(message: "box is missing key \"label\"", offset: start) }
        let box = Box3D(
            x: v[0] ?? 0, y: v[1] ?? 0, z: v[2] ?? 0, l: v[3] ?? 0, w: v[4] ?? 0, h: v[5] ?? 0, yaw: v[6] ?? 0,
            score: score, label: label
        )
        switch (egoPoints, totalPoints) {
        case (nil, nil): return (box, nil)
        case let (e?, t?):
            guard let e = Int(exactly: e), let t = Int(exactly: t) else { throw Failure(message: "point count out of range", offset: start) }
            return (box, BoxVisibility(egoPoints: e, totalPoints: t))
        default: throw Failure(message: "ego_points and total_points must come together", offset: start)
        }
    }

    // MARK: JSON grammar

    private func fail(_ message: String) -> Failure { Failure(message: message, offset: i) }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        skipSpace()
        guard i < bytes.count, bytes[i] == byte else { throw fail("expected \(what)") }
        i += 1
    }

    /// True (and consumes it) when the next byte, after spaces, is `byte`.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        if i < bytes.count, bytes[i] == byte { i += 1; return true }
        return false
    }

    /// `{ "key": value, … }`, calling `member` positioned at each value.
    private mutating func object(_ member: (inout BoxesLineDecoder, String) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"), "'{'")
        if take(UInt8(ascii: "}")) { return }
        repeat {
            skipSpace()
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after a key")
            try member(&self, key)
        } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"), "',' or '}' in an object")
    }

    /// `[ value, … ]`, calling `element` positioned at each value.
    private mutating func array(_ element: (inout BoxesLineDecoder) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "["), "'['")
        if take(UInt8(ascii: "]")) { return }
        repeat { try element(&self) } while take(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"), "',' or ']' in an array")
    }

    /// Consumes `null` if it comes next.
    private mutating func null() -> Bool {
        skipSpace()
        guard i + 4 <= bytes.count, bytes[i] == UInt8(ascii: "n"), bytes[i + 1] == UInt8(ascii: "u"),
              bytes[i + 2] == UInt8(ascii: "l"), bytes[i + 3] == UInt8(ascii: "l") else { return false }
        i += 4
        return true
    }

    private mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = i
        // Fast path: no escapes.
        while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") {
            guard bytes[i] >= 0x20 else { throw fail("control character in a string") }
            i += 1
        }
        guard i < bytes.count else { throw fail("unterminated string") }
        if bytes[i] == UInt8(ascii: "\"") {
            i += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)]), as: UTF8.self)
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard b >= 0x20 else { throw fail("control character in a string") }
            guard b == UInt8(ascii: "\\") else { out.append(b); continue }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in a string")
                    }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in a string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate in a string")
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("invalid escape in a string")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | digit
            i += 1
        }
        return v
    }

    /// The extent of a JSON number at `i` (grammar-checked), leaving `i` after it.
    private mutating func numberToken() throws(Failure) -> Range<Int> {
        skipSpace()
        let start = i
        func digits(_ d: inout BoxesLineDecoder) -> Int {
            let s = d.i
            while d.i < d.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(d.bytes[d.i]) { d.i += 1 }
            return d.i - s
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let n = digits(&self)
        guard n > 0 else { i = start; throw fail("expected a number") }
        guard n == 1 || bytes[intStart] != UInt8(ascii: "0") else { throw fail("leading zero in a number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits(&self) > 0 else { throw fail("expected digits after '.'") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits(&self) > 0 else { throw fail("expected digits in an exponent") }
        }
        return start..<i
    }

    private mutating func number() throws(Failure) -> Double {
        let token = try numberToken()
        // strtod needs a NUL-terminated copy; numbers are short.
        guard token.count < 64 else { throw Failure(message: "number too long", offset: token.lowerBound) }
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        let value = withUnsafeMutableBytes(of: &buffer) { raw -> Double in
            for (k, b) in bytes[token].enumerated() { raw[k] = b }
            raw[token.count] = 0
            guard let base = raw.baseAddress else { return .nan }
            return strtod(base.assumingMemoryBound(to: CChar.self), nil)
        }
        guard value.isFinite else { throw Failure(message: "number out of range", offset: token.lowerBound) }
        return value
    }

    private mutating func integer() throws(Failure) -> Int64 {
        let token = try numberToken()
        var v: Int64 = 0
        var negative = false
        for b in bytes[token] {
            if b == UInt8(ascii: "-") { negative = true; continue }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else {
                throw Failure(message: "expected an integer", offset: token.lowerBound)
            }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw Failure(message: "integer out of range", offset: token.lowerBound) }
            v = s
        }
        return negative ? -v : v
    }

    /// Skips any JSON value (for unknown keys).
    private mutating func skipValue() throws(Failure) {
        skipSpace()
        guard i < bytes.count else { throw fail("expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "{"): try object { (d: inout BoxesLineDecoder, _: String) throws(Failure) in try d.skipValue() }
        case UInt8(ascii: "["): try array { (d: inout BoxesLineDecoder) throws(Failure) in try d.skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try numberToken()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("expected \(word)") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("expected \(word)") }
        i += n
    }
}
