import V2XCore

/// The `DATA binary_compressed` payload (PCL's layout).
///
/// ```
/// | compressed size u32 | uncompressed size u32 | LZF data … | (ignored trailing bytes)
/// LZF data decompresses to one block per non-padding field, in header order:
/// | x₀ x₁ … xₙ₋₁ | y₀ … yₙ₋₁ | z₀ … | intensity₀ … |
/// ```
/// A field with COUNT c stores c elements per point contiguously inside its block; `_` padding
/// fields have no block. The uncompressed size must equal points × (sum of non-padding field bytes).
enum PCDBinaryCompressedCodec {
    /// Decodes the payload that starts at `header.dataOffset`.
    static func decode(_ bytes: UnsafeRawBufferPointer, header: PCDHeader, plan: PCDColumnPlan, path: String) throws -> [[Float]] {
        let start = header.dataOffset
        guard bytes.count - start >= 8 else {
            throw V2XError(.truncatedFile, "binary_compressed payload has no size words (needs 8 bytes)", path: path)
        }
        // Safe: the guard above leaves at least 8 bytes from `start`.
        let compressed = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
        let uncompressed = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 4, as: UInt32.self)))
        var blockStart = [Int](repeating: 0, count: header.fields.count)
        var expected = 0  // no overflow: at most points · pointStep, which PCDHeader checked
        for i in header.fields.indices where header.fields[i] != "_" {
            blockStart[i] = expected
            expected += header.points * header.sizes[i] * header.counts[i]
        }
        guard uncompressed == expected else {
            throw V2XError(
                .malformedData,
                "binary_compressed payload says \(uncompressed) uncompressed bytes, the header's \(header.points) points need \(expected)",
                path: path)
        }
        guard compressed <= bytes.count - start - 8 else {
            throw V2XError(
                .truncatedFile,
                "binary_compressed payload promises \(compressed) compressed bytes, the file has \(bytes.count - start - 8)",
                path: path)
        }
        guard uncompressed <= compressed * LZF.maximumExpansion else {
            throw V2XError(
                .malformedData, "\(compressed) LZF bytes cannot expand to \(uncompressed) bytes", path: path)
        }
        let data: [UInt8]
        do {
            data = try LZF.decompress(UnsafeRawBufferPointer(rebasing: bytes[(start + 8)..<(start + 8 + compressed)]), count: uncompressed)
        } catch var error as V2XError {
            error.path = path
            throw error
        }
        return data.withUnsafeBytes { raw in
            plan.channels.map { source in
                guard let source else { return [Float](repeating: 0, count: header.points) }
                let stride = header.sizes[source.field] * header.counts[source.field]
                return [Float](unsafeUninitializedCapacity: header.points) { out, initialized in
                    // In bounds: the block of this field holds points · stride bytes inside `data`.
                    source.scalar.gather(raw, start: blockStart[source.field], stride: stride, count: header.points, into: out)
                    initialized = header.points
                }
            }
        }
    }

    /// Encodes four F4 columns as a binary_compressed payload.
    /// - Throws: `V2XError.invalidArgument` when the payload would not fit PCL's u32 sizes.
    static func encode(x: [Float], y: [Float], z: [Float], fourth: [UInt32], path: String) throws -> [UInt8] {
        let n = x.count
        guard n * 17 <= Int(UInt32.max) else {  // LZF output ≤ 16n + 16n/32 + 1 bytes
            throw V2XError(.invalidArgument, "\(n) points are too many for binary_compressed (u32 sizes)", path: path)
        }
        let blocks = [UInt8](unsafeUninitializedCapacity: n * 16) { out, initialized in
            guard let base = out.baseAddress else { initialized = 0; return }
            let raw = UnsafeMutableRawPointer(base)
            for i in 0..<n {
                // Safe: block k spans bytes 4nk ..< 4n(k+1) of the n · 16-byte buffer; i < n.
                raw.storeBytes(of: x[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                raw.storeBytes(of: y[i].bitPattern.littleEndian, toByteOffset: 4 * (n + i), as: UInt32.self)
                raw.storeBytes(of: z[i].bitPattern.littleEndian, toByteOffset: 4 * (2 * n + i), as: UInt32.self)
                raw.storeBytes(of: fourth[i].littleEndian, toByteOffset: 4 * (3 * n + i), as: UInt32.self)
            }
            initialized = n * 16
        }
        let compressed = blocks.withUnsafeBytes { LZF.compress($0) }
        var out = [UInt8]()
        out.reserveCapacity(compressed.count + 8)
        withUnsafeBytes(of: UInt32(compressed.count).littleEndian) { out.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(blocks.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: compressed)
        return out
    }
}
