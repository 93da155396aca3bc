import V2XCore

/// Unsigned LEB128 varints (7 bits per byte, high bit = more bytes follow), as in protobuf.
public enum Varint {
    /// Bytes `value` takes.
    public static func length(of value: UInt64) -> Int {
        var v = value, n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    /// Appends `value`.
    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Reads one varint at `offset` and advances it.
    /// - Throws: `V2XError.malformedData` when the bytes end mid-varint or it exceeds 64 bits.
    public static func read(_ bytes: [UInt8], at offset: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count else { throw V2XError(.malformedData, "varint runs past the end") }
            let byte = bytes[offset]
            offset += 1
            guard shift < 64, !(shift == 63 && byte > 1) else { throw V2XError(.malformedData, "varint longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }
}
