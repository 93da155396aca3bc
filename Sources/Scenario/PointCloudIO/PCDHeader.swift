import Foundation
import V2XCore

/// The text header of a PCD v0.7 file, validated.
///
/// ```
/// # .PCD v0.7 - Point Cloud Data file format     comment lines start with '#'
/// VERSION 0.7
/// FIELDS x y z intensity                          field names; "_" marks padding
/// SIZE 4 4 4 4                                    bytes per element: 1, 2, 4 or 8
/// TYPE F F F F                                    I signed, U unsigned, F float (4 or 8 bytes)
/// COUNT 1 1 1 1                                   elements per field (optional, default 1)
/// WIDTH 120000                                    points per row
/// HEIGHT 1                                        rows (> 1 for organised clouds)
/// VIEWPOINT 0 0 0 1 0 0 0                         tx ty tz qw qx qy qz (optional)
/// POINTS 120000                                   must equal WIDTH · HEIGHT (optional)
/// DATA binary                                     ascii | binary | binary_compressed
/// <payload starts on the byte after the DATA line's newline>
/// ```
public struct PCDHeader: Sendable, Equatable {
    /// A field's element type (the `TYPE` letter).
    public enum FieldType: String, Sendable, Equatable, Codable {
        case signed = "I"
        case unsigned = "U"
        case float = "F"
    }

    /// The acquisition viewpoint: translation (metres) and rotation quaternion (w, x, y, z).
    public struct Viewpoint: Sendable, Equatable, Codable {
        public var tx: Double, ty: Double, tz: Double
        public var qw: Double, qx: Double, qy: Double, qz: Double

        /// The identity viewpoint `0 0 0 1 0 0 0`.
        public static let identity = Viewpoint(tx: 0, ty: 0, tz: 0, qw: 1, qx: 0, qy: 0, qz: 0)

        public init(tx: Double, ty: Double, tz: Double, qw: Double, qx: Double, qy: Double, qz: Double) {
            self.tx = tx; self.ty = ty; self.tz = tz
            self.qw = qw; self.qx = qx; self.qy = qy; self.qz = qz
        }
    }

    /// The `VERSION` text, e.g. `0.7` (empty when the line is absent).
    public var version: String
    /// Field names in file order; `_` marks padding.
    public var fields: [String]
    /// Bytes per element of each field: 1, 2, 4 or 8.
    public var sizes: [Int]
    /// Element type of each field.
    public var types: [FieldType]
    /// Elements per field (≥ 1).
    public var counts: [Int]
    /// Points per row.
    public var width: Int
    /// Rows; 1 for unorganised clouds.
    public var height: Int
    /// The acquisition viewpoint.
    public var viewpoint: Viewpoint
    /// Number of points, `width · height`.
    public var points: Int
    /// How the payload is stored.
    public var encoding: PCDEncoding
    /// Byte offset of the payload in the file (just after the `DATA` line).
    public var dataOffset: Int

    /// Largest header the parser scans for the `DATA` line.
    static let maximumHeaderBytes = 1 << 20

    /// Creates and validates a header (`dataOffset` is 0 until the header is written).
    /// - Throws: `V2XError.malformedHeader` when the lists disagree in length, a size/type pair
    ///   is not one of I1 I2 I4 I8 U1 U2 U4 U8 F4 F8, a count is < 1, or sizes overflow.
    public init(
        fields: [String], sizes: [Int], types: [FieldType], counts: [Int], width: Int, height: Int,
        viewpoint: Viewpoint = .identity, encoding: PCDEncoding, version: String = "0.7"
    ) throws {
        try self.init(
            fields: fields, sizes: sizes, types: types, counts: counts, width: width, height: height,
            viewpoint: viewpoint, encoding: encoding, version: version, path: nil, line: nil)
    }

    private init(
        fields: [String], sizes: [Int], types: [FieldType], counts: [Int], width: Int, height: Int,
        viewpoint: Viewpoint, encoding: PCDEncoding, version: String, path: String?, line: Int?
    ) throws {
        self.version = version
        self.fields = fields; self.sizes = sizes; self.types = types; self.counts = counts
        self.width = width; self.height = height; self.viewpoint = viewpoint
        self.encoding = encoding
        self.dataOffset = 0
        self.points = 0
        self.points = try Self.validate(
            fields: fields, sizes: sizes, types: types, counts: counts, width: width, height: height,
            path: path, line: line)
    }

    /// Bytes of one point in the binary payload (padding fields included).
    public var pointStep: Int {
        zip(sizes, counts).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Byte offset of field `index` inside one binary point record.
    public func byteOffset(ofField index: Int) -> Int {
        (0..<index).reduce(0) { $0 + sizes[$1] * counts[$1] }
    }

    /// Index of the first field called `name`.
    public func index(ofField name: String) -> Int? { fields.firstIndex(of: name) }

    /// Reads just the header of a PCD file.
    /// - Throws: `V2XError` (`.ioFailure`, `.truncatedFile`, `.malformedHeader`) naming the file.
    public static func read(from url: URL) throws -> PCDHeader {
        let data = try PCDFile.contents(of: url)
        return try data.withUnsafeBytes { try parse($0, path: url.path) }
    }

    /// The header text, ending with the `DATA` line and its newline.
    public var text: String {
        func join(_ values: [some CustomStringConvertible]) -> String {
            values.map(\.description).joined(separator: " ")
        }
        let v = viewpoint
        let viewpointValues: [Double] = [v.tx, v.ty, v.tz, v.qw, v.qx, v.qy, v.qz]
        let viewpointText = viewpointValues.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : "\($0)" }
        return """
            # .PCD v0.7 - Point Cloud Data file format
            VERSION \(version)
            FIELDS \(fields.joined(separator: " "))
            SIZE \(join(sizes))
            TYPE \(types.map(\.rawValue).joined(separator: " "))
            COUNT \(join(counts))
            WIDTH \(width)
            HEIGHT \(height)
            VIEWPOINT \(viewpointText.joined(separator: " "))
            POINTS \(points)
            DATA \(encoding.rawValue)

            """
    }

    /// Parses the header at the start of `bytes`.
    /// - Throws: `.truncatedFile` when there is no `DATA` line, `.malformedHeader` otherwise.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> PCDHeader {
        var version = ""
        var fields: [String]?, sizes: [Int]?, types: [FieldType]?, counts: [Int]?
        var width: Int?, height: Int?, points: Int?
        var viewpoint: Viewpoint?
        var lineNumber = 0
        var lineStart = 0
        let limit = min(bytes.count, maximumHeaderBytes)
        while lineStart < limit {
            lineNumber += 1
            var lineEnd = lineStart
            // Unchecked in release builds, safe: lineEnd < limit ≤ bytes.count.
            while lineEnd < limit && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let next = lineEnd + 1  // the payload starts here if this is the DATA line
            let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self)
            lineStart = next
            let tokens = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let key = tokens.first, !key.hasPrefix("#") else { continue }
            let values = Array(tokens.dropFirst())
            func fail(_ message: String) -> V2XError {
                V2XError(.malformedHeader, message, path: path, line: lineNumber)
            }
            func integers(_ what: String) throws -> [Int] {
                try values.map {
                    guard let value = Int($0), value >= 0 else { throw fail("\(what) value '\($0)' is not a non-negative integer") }
                    return value
                }
            }
            func single(_ what: String) throws -> Int {
                let list = try integers(what)
                guard list.count == 1 else { throw fail("\(what) needs exactly one value, found \(list.count)") }
                return list[0]
            }
            func once<T>(_ existing: T?, _ what: String) throws {
                if existing != nil { throw fail("\(what) appears twice") }
            }
            switch key {
            case "VERSION":
                version = values.joined(separator: " ")
            case "FIELDS", "COLUMNS":
                try once(fields, key)
                fields = values
            case "SIZE":
                try once(sizes, key)
                sizes = try integers(key)
            case "TYPE":
                try once(types, key)
                types = try values.map {
                    guard let type = FieldType(rawValue: $0) else { throw fail("TYPE '\($0)' is not I, U or F") }
                    return type
                }
            case "COUNT":
                try once(counts, key)
                counts = try integers(key)
            case "WIDTH":
                try once(width, key)
                width = try single(key)
            case "HEIGHT":
                try once(height, key)
                height = try single(key)
            case "POINTS":
                try once(points, key)
                points = try single(key)
            case "VIEWPOINT":
                try once(viewpoint, key)
                let numbers = values.compactMap { Double($0) }
                guard values.count == 7, numbers.count == 7, numbers.allSatisfy(\.isFinite) else {
                    throw fail("VIEWPOINT needs 7 finite numbers (tx ty tz qw qx qy qz)")
                }
                viewpoint = Viewpoint(
                    tx: numbers[0], ty: numbers[1], tz: numbers[2],
                    qw: numbers[3], qx: numbers[4], qy: numbers[5], qz: numbers[6])
            case "DATA":
                guard values.count == 1, let encoding = PCDEncoding(rawValue: values[0]) else {
                    throw fail("unknown DATA '\(values.joined(separator: " "))' (expected ascii, binary or binary_compressed)")
                }
                guard lineEnd < limit else {
                    // The DATA line is the last thing in the file and has no newline: an empty
                    // payload only works for an empty cloud, checked by the decoders.
                    return try assemble(next: bytes.count)
                }
                return try assemble(next: next)

                func assemble(next: Int) throws -> PCDHeader {
                    guard let fields, !fields.isEmpty else { throw fail("FIELDS is missing or empty") }
                    guard let sizes else { throw fail("SIZE is missing") }
                    guard let types else { throw fail("TYPE is missing") }
                    guard let width else { throw fail("WIDTH is missing") }
                    guard let height else { throw fail("HEIGHT is missing") }
                    let counts = counts ?? Array(repeating: 1, count: fields.count)
                    var header = try PCDHeader(
                        fields: fields, sizes: sizes, types: types, counts: counts, width: width, height: height,
                        viewpoint: viewpoint ?? .identity, encoding: encoding, version: version,
                        path: path, line: lineNumber)
                    if let points, points != header.points {
                        throw fail("POINTS \(points) differs from WIDTH · HEIGHT = \(width) · \(height) = \(header.points)")
                    }
                    header.dataOffset = next
                    return header
                }
            default:
                throw fail("unknown header line '\(key)'")
            }
        }
        if bytes.count > maximumHeaderBytes {
            throw V2XError(.malformedHeader, "no DATA line in the first \(maximumHeaderBytes) bytes", path: path)
        }
        throw V2XError(.truncatedFile, "the header ends before its DATA line", path: path, line: lineNumber)
    }

    /// Checks the field lists and sizes; returns the number of points.
    private static func validate(
        fields: [String], sizes: [Int], types: [FieldType], counts: [Int], width: Int, height: Int,
        path: String?, line: Int?
    ) throws -> Int {
        func fail(_ message: String) -> V2XError { V2XError(.malformedHeader, message, path: path, line: line) }
        guard !fields.isEmpty else { throw fail("no fields") }
        guard sizes.count == fields.count, types.count == fields.count, counts.count == fields.count else {
            throw fail("FIELDS has \(fields.count) entries but SIZE \(sizes.count), TYPE \(types.count), COUNT \(counts.count)")
        }
        var step = 0
        for i in fields.indices {
            let size = sizes[i], type = types[i]
            let valid = type == .float ? (size == 4 || size == 8) : [1, 2, 4, 8].contains(size)
            guard valid else { throw fail("field '\(fields[i])' has SIZE \(size) with TYPE \(type.rawValue), which PCD does not define") }
            guard counts[i] >= 1 else { throw fail("field '\(fields[i])' has COUNT \(counts[i]); it must be at least 1") }
            let (bytes, o1) = size.multipliedReportingOverflow(by: counts[i])
            let (sum, o2) = step.addingReportingOverflow(bytes)
            guard !o1, !o2 else { throw fail("the point size overflows") }
            step = sum
        }
        guard width >= 0, height >= 0 else { throw fail("WIDTH and HEIGHT must not be negative") }
        let (count, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, !count.multipliedReportingOverflow(by: step).overflow else {
            throw fail("WIDTH · HEIGHT · point size (\(width) · \(height) · \(step)) overflows")
        }
        return count
    }
}
