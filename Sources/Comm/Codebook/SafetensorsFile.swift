import Foundation
import V2XCore

/// Minimal reader and writer of the safetensors format for F32 tensors.
///
/// ```
/// u64 LE header length N | N bytes of JSON header | tensor data (little-endian)
/// header: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …,
///          "__metadata__": {"key": "value"}}
/// ```
/// (The perception model files use the same format; this copy reads only what Comm writes.)
public enum SafetensorsFile {
    /// One F32 tensor: shape and row-major values.
    public struct Tensor: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
    }

    /// Serializes tensors (sorted by name) and string metadata.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        var body = Data()
        for name in tensors.keys.sorted() {
            let t = tensors[name]!  // name comes from tensors.keys
            guard t.shape.reduce(1, *) == t.values.count else {
                throw V2XError(.shapeMismatch, "tensor \(name): shape \(t.shape) holds \(t.shape.reduce(1, *)) values, got \(t.values.count)")
            }
            let bytes = t.values.count * 4
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            offset += bytes
        }
        let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }

    /// Parses a file's bytes.
    /// - Throws: `V2XError.malformedHeader` for a bad header, `.unsupportedFormat` for a
    ///   dtype other than F32, `.truncatedFile` when data offsets run past the end.
    public static func decode(_ data: Data) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw V2XError(.truncatedFile, "safetensors file shorter than its 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(bytes.count - 8) else { throw V2XError(.truncatedFile, "safetensors header runs past the end") }
        let bodyStart = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<bodyStart])) as? [String: Any] else {
            throw V2XError(.malformedHeader, "safetensors header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw V2XError(.malformedHeader, "tensor \(name) lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw V2XError(.unsupportedFormat, "tensor \(name) is \(dtype); only F32 is read") }
            guard shape.allSatisfy({ $0 >= 0 && $0 < 1 << 31 }), offsets[0] >= 0, offsets[1] >= offsets[0],
                  offsets[1] - offsets[0] == shape.reduce(1, *) * 4 else {
                throw V2XError(.malformedHeader, "tensor \(name): shape \(shape) disagrees with offsets \(offsets)")
            }
            guard bodyStart + offsets[1] <= bytes.count else { throw V2XError(.truncatedFile, "tensor \(name) runs past the end") }
            var values = [Float](repeating: 0, count: shape.reduce(1, *))
            for i in 0..<values.count {
                let p = bodyStart + offsets[0] + i * 4
                let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        return (tensors, metadata)
    }
}
