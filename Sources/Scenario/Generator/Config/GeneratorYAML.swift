import Foundation
import V2XCore
import Yams

/// Reading the generator's YAML files (presets, LiDAR models, rigs, splits) into
/// `Decodable` values, strictly: unknown keys are errors (a misspelt key must not leave a
/// default silently in place) and every failure is a `V2XError` naming the file.
enum GeneratorYAML {
    /// Decodes a file.
    /// - Throws: `V2XError.notFound` when the file is missing, `.malformedData` when it is
    ///   not YAML or does not match the schema, each with the file's path.
    static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw V2XError(missing ? .notFound : .ioFailure, missing ? "file does not exist" : "cannot read: \(error.localizedDescription)", path: url.path)
        }
        return try decode(type, text: text, path: url.path)
    }

    /// Decodes YAML text; `path` names the source in errors.
    static func decode<T: Decodable>(_ type: T.Type, text: String, path: String) throws -> T {
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as V2XError {
            var e = error
            e.path = path
            throw e
        } catch let DecodingError.keyNotFound(key, context) {
            throw V2XError(.malformedData, "missing key '\(Self.keyPath(context.codingPath + [key]))'", path: path)
        } catch let DecodingError.typeMismatch(_, context) {
            throw V2XError(.malformedData, "wrong type at '\(Self.keyPath(context.codingPath))': \(context.debugDescription)", path: path)
        } catch let DecodingError.valueNotFound(_, context) {
            throw V2XError(.malformedData, "missing value at '\(Self.keyPath(context.codingPath))'", path: path)
        } catch let DecodingError.dataCorrupted(context) {
            // Yams reports errors thrown by our own `init(from:)` (range checks, unknown
            // keys) as corrupted data wrapping the original error: pass that one on.
            if var inner = context.underlyingError as? V2XError {
                inner.path = path
                throw inner
            }
            throw V2XError(.malformedData, "bad value at '\(Self.keyPath(context.codingPath))': \(context.debugDescription)", path: path)
        } catch {
            throw V2XError(.malformedData, "not valid YAML: \(error)", path: path)
        }
    }

    /// `a.b[2].c` for a coding path.
    static func keyPath(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }

    /// Throws when the mapping being decoded holds a key outside `allowed`.
    static func rejectUnknownKeys(in decoder: any Decoder, allowed: [String]) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        guard unknown.isEmpty else {
            let place = keyPath(decoder.codingPath)
            throw V2XError(
                .malformedData,
                "unknown key\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", "))\(place.isEmpty ? "" : " in '\(place)'"); expected \(allowed.joined(separator: ", "))"
            )
        }
    }

    /// Throws `V2XError.invalidArgument` with `message` unless `condition` holds.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw V2XError(.invalidArgument, message()) }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
    }
}
