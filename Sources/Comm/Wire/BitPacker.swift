import V2XCore

/// Packs unsigned codes of a fixed width into bytes, least significant bit first.
///
/// ```
/// codes (3 bits): a=101 b=011 c=110  →  byte 0 = c0 b2 b1 b0 a2 a1 a0 … = 0b10_011_101
/// ```
/// A code never needs more than 32 bits; `bitsPerCode` is `ceil(log2(codebook size))`.
public enum BitPacker {
    /// Bits needed to tell `count` codes apart: `ceil(log2(count))`, at least 1.
    public static func bitsPerCode(forCodebookSize count: Int) -> Int {
        precondition(count >= 1, "empty codebook")
        var bits = 1
        while (1 << bits) < count { bits += 1 }
        return bits
    }

    /// Number of bytes `count` codes of `bitsPerCode` bits take.
    public static func byteCount(codes count: Int, bitsPerCode: Int) -> Int { (count * bitsPerCode + 7) / 8 }

    /// Packs codes; every code must be below `1 << bitsPerCode`.
    /// - Throws: `V2XError.invalidArgument` for a width outside 1…32 or a code too wide.
    public static func pack(_ codes: [UInt32], bitsPerCode: Int) throws -> [UInt8] {
        guard (1...32).contains(bitsPerCode) else {
            throw V2XError(.invalidArgument, "code width must be 1…32 bits, got \(bitsPerCode)")
        }
        let limit = UInt64(1) << UInt64(bitsPerCode)
        var out = [UInt8](repeating: 0, count: byteCount(codes: codes.count, bitsPerCode: bitsPerCode))
        var accumulator: UInt64 = 0
        var filled = 0
        var index = 0
        for code in codes {
            guard UInt64(code) < limit else {
                throw V2XError(.invalidArgument, "code \(code) does not fit in \(bitsPerCode) bits")
            }
            accumulator |= UInt64(code) << UInt64(filled)
            filled += bitsPerCode
            while filled >= 8 {
                out[index] = UInt8(truncatingIfNeeded: accumulator)
                index += 1
                accumulator >>= 8
                filled -= 8
            }
        }
        if filled > 0 { out[index] = UInt8(truncatingIfNeeded: accumulator) }
        return out
    }

    /// Unpacks `count` codes.
    /// - Throws: `V2XError.malformedData` when `bytes` is not exactly the packed size.
    public static func unpack(_ bytes: [UInt8], count: Int, bitsPerCode: Int) throws -> [UInt32] {
        guard (1...32).contains(bitsPerCode), count >= 0 else {
            throw V2XError(.malformedData, "code width \(bitsPerCode) or count \(count) out of range")
        }
        guard bytes.count == byteCount(codes: count, bitsPerCode: bitsPerCode) else {
            throw V2XError(.malformedData, "\(count) codes of \(bitsPerCode) bits need \(byteCount(codes: count, bitsPerCode: bitsPerCode)) bytes, got \(bytes.count)")
        }
        let mask = (UInt64(1) << UInt64(bitsPerCode)) - 1
        var out = [UInt32](repeating: 0, count: count)
        var accumulator: UInt64 = 0
        var filled = 0
        var index = 0
        for i in 0..<count {
            while filled < bitsPerCode {
                // index < bytes.count: the size check above guarantees enough bytes for all codes.
                accumulator |= UInt64(bytes[index]) << UInt64(filled)
                index += 1
                filled += 8
            }
            out[i] = UInt32(truncatingIfNeeded: accumulator & mask)
            accumulator >>= UInt64(bitsPerCode)
            filled -= bitsPerCode
        }
        return out
    }
}
