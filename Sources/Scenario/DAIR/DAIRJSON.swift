import Foundation
import V2XCore

/// A JSON number DAIR-V2X may also write as a numeric string (`"1.7"`, `"1626155123881356"`).
struct DAIRNumber: Decodable, Sendable {
    let value: Double

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Double(text.trimmingCharacters(in: .whitespaces)) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number or a numeric string")
        }
        guard value.isFinite else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a finite number")
        }
    }
}

/// An integer (timestamps in µs) written as a JSON integer or a string of digits.
struct DAIRInteger: Decodable, Sendable {
    let value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int64(text.trimmingCharacters(in: .whitespaces)) {
            value = number
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an integer or a string of digits")
        }
    }
}

/// A 3×3 rotation, as DAIR-V2X writes it: nested rows `[[r00, r01, r02], …]` (or 9 numbers).
struct DAIRRotation: Decodable, Sendable {
    /// Row-major.
    let rowMajor: [Double]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let rows = try? container.decode([[DAIRNumber]].self) {
            guard rows.count == 3, rows.allSatisfy({ $0.count == 3 }) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a rotation has 3 rows of 3 numbers")
            }
            rowMajor = rows.flatMap { $0.map(\.value) }
        } else {
            let flat = try container.decode([DAIRNumber].self)
            guard flat.count == 9 else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a rotation has 9 numbers, found \(flat.count)")
            }
            rowMajor = flat.map(\.value)
        }
    }
}

/// A translation, as DAIR-V2X writes it: a column `[[x], [y], [z]]` (or `[x, y, z]`).
struct DAIRTranslation: Decodable, Sendable {
    let vector: SIMD3<Double>

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let values: [Double]
        if let column = try? container.decode([[DAIRNumber]].self) {
            guard column.allSatisfy({ $0.count == 1 }) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a translation column has one number per row")
            }
            values = column.map { $0[0].value }
        } else {
            values = try container.decode([DAIRNumber].self).map(\.value)
        }
        guard values.count == 3 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a translation has 3 numbers, found \(values.count)")
        }
        vector = SIMD3(values[0], values[1], values[2])
    }
}

/// Reads DAIR-V2X JSON files into `Decodable` types, turning every failure into a
/// `V2XError` that names the file.
enum DAIRJSON {
    /// Decodes the file at `url`.
    /// - Throws: `V2XError.notFound` when the file or a required key is missing,
    ///   `.ioFailure` when it cannot be read, `.malformedData` for bad JSON or values.
    static func read<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw V2XError(.notFound, "missing file", path: url.path)
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw V2XError(.ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw V2XError(.notFound, "missing key '\(describe(context.codingPath + [key]))'", path: url.path)
        } catch let DecodingError.valueNotFound(_, context) {
            throw V2XError(.malformedData, "null at '\(describe(context.codingPath))': \(context.debugDescription)", path: url.path)
        } catch let DecodingError.typeMismatch(_, context) {
            throw V2XError(.malformedData, "wrong type at '\(describe(context.codingPath))': \(context.debugDescription)", path: url.path)
        } catch let DecodingError.dataCorrupted(context) {
            let location = context.codingPath.isEmpty ? "" : " at '\(describe(context.codingPath))'"
            throw V2XError(.malformedData, "bad value\(location): \(context.debugDescription)", path: url.path)
        } catch {
            throw V2XError(.malformedData, "not valid JSON: \(error)", path: url.path)
        }
    }

    /// `a.b[2].c` for a coding path.
    static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }
}
