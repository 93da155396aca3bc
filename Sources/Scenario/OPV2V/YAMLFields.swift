import Foundation
import V2XCore
import Yams

/// Typed access to the fields of one YAML file, turning every problem into a `V2XError`
/// that names the file and, where the parser knows it, the line.
struct YAMLFields {
    /// The file the YAML came from, for error messages.
    let path: String

    /// Parses `text` and returns its top-level mapping.
    /// - Throws: `V2XError.malformedData` for YAML syntax errors (with the line) or a
    ///   document that is not a mapping.
    func rootMapping(of text: String) throws -> Node.Mapping {
        let root: Node?
        do {
            // Every scalar is converted here (`number`, `integer`, `string`), so YAML's implicit
            // typing is not needed: the basic resolver tags every plain scalar a string without
            // the default resolver's regular expressions, which it would otherwise run on each
            // key it compares in a lookup (7.1 of the 8.9 ms that loading one agent's frame took).
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw V2XError(.malformedData, "not valid YAML: \(Self.problem(of: error))", path: path, line: Self.line(of: error))
        } catch {
            throw V2XError(.malformedData, "not valid YAML: \(error)", path: path)
        }
        guard let root, let mapping = root.mapping else {
            throw V2XError(.malformedData, "the document is not a mapping of keys", path: path, line: root?.mark?.line)
        }
        return mapping
    }

    /// The value under `key`.
    /// - Throws: `V2XError.notFound` naming the key when it is absent.
    func required(_ key: String, in mapping: Node.Mapping, context: String = "") throws -> Node {
        guard let node = mapping[key] else {
            throw V2XError(.notFound, "missing key '\(context)\(key)'", path: path, line: mapping.mark?.line)
        }
        return node
    }

    /// A finite number (YAML int or float) from a scalar node.
    func number(_ node: Node, name: String) throws -> Double {
        guard let scalar = node.scalar else {
            throw V2XError(.malformedData, "'\(name)' must be a number", path: path, line: node.mark?.line)
        }
        let text = Self.trimmed(scalar.string)
        if let value = Double(text) {
            guard value.isFinite else {
                throw V2XError(.nonFiniteValue, "'\(name)' is \(scalar.string), a finite number is required", path: path, line: node.mark?.line)
            }
            return value
        }
        // YAML spells NaN and infinity `.nan`, `.inf`, `-.inf` (any case), which Double(_:) does not read.
        if Self.nonFiniteSpellings.contains(text.lowercased()) {
            throw V2XError(.nonFiniteValue, "'\(name)' is \(text), a finite number is required", path: path, line: node.mark?.line)
        }
        throw V2XError(.malformedData, "'\(name)' must be a number, found '\(text)'", path: path, line: node.mark?.line)
    }

    /// `text` without surrounding spaces; the common case, none, skips Foundation's trimming
    /// (a frame file holds hundreds of numbers).
    private static func trimmed(_ text: String) -> String {
        guard text.first?.isWhitespace == true || text.last?.isWhitespace == true else { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    private static let nonFiniteSpellings: Set<String> = [".nan", ".inf", "+.inf", "-.inf"]

    /// An integer (e.g. nanoseconds) from a scalar node.
    func integer(_ node: Node, name: String) throws -> Int64 {
        guard let scalar = node.scalar, let value = Int64(Self.trimmed(scalar.string)) else {
            throw V2XError(.malformedData, "'\(name)' must be an integer", path: path, line: node.mark?.line)
        }
        return value
    }

    /// A list of exactly `count` finite numbers.
    func numbers(_ node: Node, name: String, count: Int) throws -> [Double] {
        guard let sequence = node.sequence else {
            throw V2XError(.malformedData, "'\(name)' must be a list of \(count) numbers", path: path, line: node.mark?.line)
        }
        guard sequence.count == count else {
            throw V2XError(
                .shapeMismatch, "'\(name)' must have \(count) numbers, found \(sequence.count)",
                path: path, line: node.mark?.line
            )
        }
        return try sequence.map { try number($0, name: name) }
    }

    /// A string scalar.
    func string(_ node: Node, name: String) throws -> String {
        guard let scalar = node.scalar else {
            throw V2XError(.malformedData, "'\(name)' must be a string", path: path, line: node.mark?.line)
        }
        return scalar.string
    }

    /// Whether a node is YAML's null (`~`, `null` or nothing).
    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _):
            return problem
        default:
            return "\(error)"
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default:
            return nil
        }
    }
}

/// Formats numbers so that both YAML 1.1 (PyYAML, which OpenCOOD uses) and YAML 1.2 read
/// them back as the same `Double`.
enum YAMLNumber {
    /// Shortest round-tripping decimal form; always with a `.` (PyYAML reads `1e-05` as a
    /// string but `1.0e-05` as a float). The value must be finite.
    static func format(_ value: Double) -> String {
        var text = "\(value)"
        if !text.contains("."), let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            text.insert(contentsOf: ".0", at: e)
        }
        return text
    }

    /// `[a, b, c]` in flow style.
    static func list(_ values: [Double]) -> String {
        "[" + values.map(format).joined(separator: ", ") + "]"
    }
}
