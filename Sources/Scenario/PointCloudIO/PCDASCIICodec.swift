import V2XCore

/// The `DATA ascii` payload: one line per point, every element of every field (padding `_`
/// included) as a token separated by spaces or tabs.
///
/// ```
/// 1.25 -0.5 0.0312 0.27\n        x y z intensity
/// ```
/// Empty lines are skipped; lines after the last point are ignored. A line with too few or
/// too many values is an error that names its line number.
enum PCDASCIICodec {
    /// What to do with one token of a line.
    private enum Action {
        case skip
        case float(channel: Int)
        case double(channel: Int)
        case signed(channel: Int, bits: Int)
        case unsigned(channel: Int, bits: Int)
        case packedColor(channel: Int, type: PCDHeader.FieldType)
    }

    /// Decodes the payload that starts at `header.dataOffset`.
    static func decode(_ bytes: UnsafeRawBufferPointer, header: PCDHeader, plan: PCDColumnPlan, path: String) throws -> [[Float]] {
        let tokens = header.counts.reduce(0, +)  // no overflow: bounded by pointStep, which PCDHeader checked
        let start = header.dataOffset
        let available = bytes.count - start
        let points = header.points
        guard points > 0 else { return [[Float]](repeating: [], count: 4) }
        // Each point needs at least one digit and one separator per token.
        let (minimum, overflow) = points.multipliedReportingOverflow(by: 2 * tokens)
        guard !overflow, minimum - 1 <= available else {
            throw V2XError(
                .truncatedFile,
                "ascii payload of \(max(0, available)) bytes cannot hold \(points) points of \(tokens) values",
                path: path)
        }
        var actions: [Action] = []
        var fieldOfToken: [Int] = []
        let channels = plan.channels
        for field in header.fields.indices {
            for element in 0..<header.counts[field] {
                fieldOfToken.append(field)
                guard element == 0, let channel = channels.firstIndex(where: { $0?.field == field }),
                      let source = channels[channel] else {
                    actions.append(.skip)
                    continue
                }
                let bits = header.sizes[field] * 8
                switch (source.scalar, header.types[field]) {
                case (.rgbRed, let type): actions.append(.packedColor(channel: channel, type: type))
                case (.f4, _): actions.append(.float(channel: channel))
                case (.f8, _): actions.append(.double(channel: channel))
                case (_, .signed): actions.append(.signed(channel: channel, bits: bits))
                case (_, _): actions.append(.unsigned(channel: channel, bits: bits))
                }
            }
        }
        // The header's line count, so errors can name the line of the file.
        let headerLines = UnsafeRawBufferPointer(rebasing: bytes[0..<start]).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        // x, y, z, intensity one after the other; intensity stays 0 without a source.
        var values = [Float](repeating: 0, count: 4 * points)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw V2XError(.truncatedFile, "ascii payload is empty", path: path)
        }
        try values.withUnsafeMutableBufferPointer { columns in
            let end = bytes.count
            var p = start
            var line = headerLines + 1
            func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") }
            for point in 0..<points {
                // Skip blank lines. Every `base[p]` below is guarded by `p < end`, the buffer's size.
                while p < end && (isBlank(base[p]) || base[p] == UInt8(ascii: "\n")) {
                    if base[p] == UInt8(ascii: "\n") { line += 1 }
                    p += 1
                }
                guard p < end else {
                    throw V2XError(.truncatedFile, "ascii payload ends after \(point) of \(points) points", path: path, line: line)
                }
                for t in 0..<tokens {
                    while p < end && isBlank(base[p]) { p += 1 }
                    guard p < end, base[p] != UInt8(ascii: "\n") else {
                        throw V2XError(
                            p < end ? .malformedData : .truncatedFile,
                            "point \(point) has \(t) values, the header declares \(tokens)", path: path, line: line)
                    }
                    let tokenStart = p
                    while p < end && !isBlank(base[p]) && base[p] != UInt8(ascii: "\n") { p += 1 }
                    let token = base + tokenStart
                    let length = p - tokenStart
                    // Safe: [tokenStart, p) lies inside the buffer; channel indices are 0…3.
                    let parsed: (channel: Int, value: Float?)?
                    switch actions[t] {
                    case .skip: parsed = nil
                    case .float(let c): parsed = (c, ASCIINumberParser.float(token, count: length))
                    case .double(let c): parsed = (c, ASCIINumberParser.double(token, count: length).map { Float($0) })
                    case .signed(let c, let bits): parsed = (c, ASCIINumberParser.signed(token, count: length, bits: bits).map { Float($0) })
                    case .unsigned(let c, let bits): parsed = (c, ASCIINumberParser.unsigned(token, count: length, bits: bits).map { Float($0) })
                    case .packedColor(let c, let type):
                        parsed = (c, ASCIINumberParser.packedColor(token, count: length, type: type).map(PCDScalar.red(ofPackedColor:)))
                    }
                    if let parsed {
                        guard let value = parsed.value else {
                            let text = String(decoding: UnsafeBufferPointer(start: token, count: min(length, 40)), as: UTF8.self)
                            let field = fieldOfToken[t]
                            throw V2XError(
                                .malformedData,
                                "value \(t + 1) '\(text)' of field '\(header.fields[field])' is not a valid \(header.types[field].rawValue)\(header.sizes[field]) number",
                                path: path, line: line)
                        }
                        columns[parsed.channel * points + point] = value  // channel ≤ 3, point < points
                    }
                }
                while p < end && isBlank(base[p]) { p += 1 }
                if p < end {
                    guard base[p] == UInt8(ascii: "\n") else {
                        throw V2XError(.malformedData, "point \(point) has more than the \(tokens) values the header declares", path: path, line: line)
                    }
                    p += 1
                    line += 1
                }
            }
        }
        return (0..<4).map { Array(values[($0 * points)..<(($0 + 1) * points)]) }
    }

    /// Encodes four F4 columns (x, y, z and the bits of the fourth field) as ascii lines, each
    /// value as its shortest decimal that parses back to the same Float (`nan`, `inf`, `-inf`
    /// for the non-finite ones).
    static func encode(x: [Float], y: [Float], z: [Float], fourth: [UInt32]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(x.count * 44)
        func append(_ value: Float) {
            if value.isNaN {
                out.append(contentsOf: "nan".utf8)
            } else {
                // Float's description is the shortest round-trip form ("1.25", "4.3596e-41",
                // "inf", "-inf"); it fits Swift's inline small strings, so nothing is allocated.
                out.append(contentsOf: value.description.utf8)
            }
        }
        for i in x.indices {
            append(x[i]); out.append(UInt8(ascii: " "))
            append(y[i]); out.append(UInt8(ascii: " "))
            append(z[i]); out.append(UInt8(ascii: " "))
            append(Float(bitPattern: fourth[i])); out.append(UInt8(ascii: "\n"))
        }
        return out
    }
}
