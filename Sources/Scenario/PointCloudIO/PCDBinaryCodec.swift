import V2XCore

/// The `DATA binary` payload: points back to back, each field's elements in header order.
///
/// ```
/// | x f32 | y f32 | z f32 | intensity f32 | x f32 | …      (pointStep = 16 bytes here)
/// ```
/// Any field order, sizes, counts and `_` padding; bytes after the last point are ignored
/// (PCL pads its binary files to a page).
enum PCDBinaryCodec {
    /// Decodes the payload that starts at `header.dataOffset`.
    static func decode(_ bytes: UnsafeRawBufferPointer, header: PCDHeader, plan: PCDColumnPlan, path: String) throws -> [[Float]] {
        let step = header.pointStep
        let available = bytes.count - header.dataOffset
        let needed = header.points * step  // no overflow: PCDHeader checked points · pointStep
        guard needed <= available else {
            throw V2XError(
                .truncatedFile,
                "binary payload needs \(needed) bytes (\(header.points) points × \(step)), the file has \(max(0, available)) after the header",
                path: path)
        }
        return plan.channels.map { source in
            guard let source else { return [Float](repeating: 0, count: header.points) }
            let start = header.dataOffset + header.byteOffset(ofField: source.field)
            return [Float](unsafeUninitializedCapacity: header.points) { out, initialized in
                // In bounds: the last element ends at dataOffset + (points-1)·step + fieldOffset + size ≤ dataOffset + needed.
                source.scalar.gather(bytes, start: start, stride: step, count: header.points, into: out)
                initialized = header.points
            }
        }
    }

    /// Encodes four F4 columns (x, y, z and the bits of the fourth field) as a binary payload.
    static func encode(x: [Float], y: [Float], z: [Float], fourth: [UInt32]) -> [UInt8] {
        let n = x.count
        return [UInt8](unsafeUninitializedCapacity: n * 16) { out, initialized in
            guard let base = out.baseAddress else { initialized = 0; return }
            let raw = UnsafeMutableRawPointer(base)
            for i in 0..<n {
                // Safe: the buffer holds n · 16 bytes and record i spans bytes 16i ..< 16i + 16;
                // all four arrays have n elements (the cloud keeps them equal).
                raw.storeBytes(of: x[i].bitPattern.littleEndian, toByteOffset: 16 * i, as: UInt32.self)
                raw.storeBytes(of: y[i].bitPattern.littleEndian, toByteOffset: 16 * i + 4, as: UInt32.self)
                raw.storeBytes(of: z[i].bitPattern.littleEndian, toByteOffset: 16 * i + 8, as: UInt32.self)
                raw.storeBytes(of: fourth[i].littleEndian, toByteOffset: 16 * i + 12, as: UInt32.self)
            }
            initialized = n * 16
        }
    }
}
