import Foundation
import V2XCore

/// A small reader and writer for the safetensors format, fp32 only.
///
/// ```
/// [u64 little-endian N][N bytes JSON header][data]
/// header: {"name": {"dtype": "F32", "shape": [d0, d1, …], "data_offsets": [begin, end]}, …,
///          "__metadata__": {"key": "value", …}}
/// ```
/// Offsets are relative to the start of the data section; tensors are raw little-endian.
/// Reading validates everything (header length, JSON, dtype, shape against byte counts,
/// offsets inside the data and not overlapping, finite values are left to the caller) and
/// throws a `V2XError` naming the file; it never traps on a malformed file.
public enum SafeTensors {
    /// Largest header accepted (the format's own limit is 100 MB).
    public static let maxHeaderBytes = 100_000_000

    /// The tensors and string metadata of a file, tensors in file order.
    public struct Contents: Sendable, Equatable {
        public var tensors: [NamedTensor]
        public var metadata: [String: String]
    }

    /// Serialises tensors (in the given order) and metadata.
    /// - Throws: `V2XError.shapeMismatch` when a tensor's values do not fill its shape, `.invalidArgument` for a duplicate or reserved name.
    public static func encode(_ tensors: [NamedTensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        var offset = 0
        for t in tensors {
            guard t.name != "__metadata__", header[t.name] == nil, !t.name.isEmpty else {
                throw V2XError(.invalidArgument, "tensor name \"\(t.name)\" is empty, reserved or repeated")
            }
            guard t.shape.allSatisfy({ $0 >= 0 }), t.values.count == t.elementCount else {
                throw V2XError(.shapeMismatch, "tensor \(t.name) has \(t.values.count) values for shape \(t.shape)")
            }
            let bytes = t.values.count * 4
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data section starts 8-byte aligned (allowed by the format).
        while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var out = Data()
        out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in tensors {
            t.values.withUnsafeBufferPointer { p in
                for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        return out
    }

    /// Parses a file's bytes. `path` only labels errors.
    public static func decode(_ data: Data, path: String? = nil) throws -> Contents {
        func bad(_ code: V2XError.Code, _ message: String) -> V2XError { V2XError(code, "safetensors: \(message)", path: path) }
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw bad(.truncatedFile, "\(bytes.count) bytes, shorter than the 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(maxHeaderBytes) else { throw bad(.malformedHeader, "header length \(n) exceeds \(maxHeaderBytes)") }
        let headerLength = Int(n)
        guard 8 + headerLength <= bytes.count else {
            throw bad(.truncatedFile, "header of \(headerLength) bytes runs past the end of a \(bytes.count)-byte file")
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) } catch {
            throw bad(.malformedHeader, "header is not JSON")
        }
        guard let header = object as? [String: Any] else { throw bad(.malformedHeader, "header is not a JSON object") }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        if let m = header["__metadata__"] {
            guard let dict = m as? [String: String] else { throw bad(.malformedHeader, "__metadata__ must map strings to strings") }
            metadata = dict
        }
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let info = value as? [String: Any] else { throw bad(.malformedHeader, "entry \(name) is not an object") }
            guard let dtype = info["dtype"] as? String else { throw bad(.malformedHeader, "tensor \(name) has no dtype") }
            guard dtype == "F32" else { throw bad(.unsupportedFormat, "tensor \(name) has dtype \(dtype); only F32 is read") }
            guard let shapeAny = info["shape"] as? [Any], let offsetsAny = info["data_offsets"] as? [Any], offsetsAny.count == 2 else {
                throw bad(.malformedHeader, "tensor \(name) needs a shape list and two data_offsets")
            }
            let shape = try shapeAny.map { try integer($0, "shape of \(name)", bad) }
            let offsets = try offsetsAny.map { try integer($0, "data_offsets of \(name)", bad) }
            guard shape.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 }) else { throw bad(.malformedHeader, "tensor \(name) has shape \(shape)") }
            var count = 1
            for d in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= dataLength else { throw bad(.shapeMismatch, "tensor \(name) shape \(shape) is larger than the file") }
                count = product
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= dataLength else {
                throw bad(.truncatedFile, "tensor \(name) bytes [\(begin), \(end)) lie outside the \(dataLength)-byte data section")
            }
            guard end - begin == count * 4 else {
                throw bad(.shapeMismatch, "tensor \(name) shape \(shape) needs \(count * 4) bytes, offsets give \(end - begin)")
            }
            entries.append((name, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (a, b) in zip(entries, entries.dropFirst()) where b.begin < a.end {
            throw bad(.malformedHeader, "tensors \(a.name) and \(b.name) overlap")
        }
        let tensors = entries.map { e -> NamedTensor in
            let count = (e.end - e.begin) / 4
            var values = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let o = dataStart + e.begin + 4 * i
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            return NamedTensor(name: e.name, shape: e.shape, values: values)
        }
        return Contents(tensors: tensors, metadata: metadata)
    }

    /// Writes a file atomically.
    public static func write(_ tensors: [NamedTensor], metadata: [String: String] = [:], to url: URL) throws {
        let data = try encode(tensors, metadata: metadata)
        do { try data.write(to: url, options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }

    /// Reads and validates a file.
    public static func read(from url: URL) throws -> Contents {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw V2XError(.ioFailure, "cannot read: \(error.localizedDescription)", path: url.path)
        }
        return try decode(data, path: url.path)
    }

    private static func integer(_ value: Any, _ what: String, _ bad: (V2XError.Code, String) -> V2XError) throws -> Int {
        // JSONSerialization yields NSNumber; reject strings, lists and non-integral numbers.
        guard let number = value as? NSNumber, let exact = Int(exactly: number.doubleValue) else {
            throw bad(.malformedHeader, "\(what) must hold integers")
        }
        return exact
    }
}
