import V2XCore

/// The LZF codec (liblzf's format), as PCL's `binary_compressed` uses it.
///
/// A compressed stream is a sequence of chunks, each starting with a control byte `c`:
/// ```
/// c < 32              literal run: copy the next c + 1 bytes
/// c = LLLooooo        back-reference, L = c >> 5 in 1…6: length L + 2
/// c = 111ooooo, n     back-reference of length 7 + n + 2 (up to 264)
///   … then one byte o2; the copy starts (o << 8 | o2) + 1 bytes before the output end
///   and may overlap the bytes it produces (copied byte by byte).
/// ```
public enum LZF {
    /// Longest back-reference (7 + 255 + 2 bytes).
    static let maximumMatch = 264
    /// Farthest back-reference (13 offset bits, plus 1).
    static let maximumDistance = 8192
    /// Most output one input byte can produce (a 3-byte reference yields 264 bytes).
    public static let maximumExpansion = 88

    /// Compresses `input`. The result is at most `input.count + input.count / 32 + 1` bytes.
    public static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let n = input.count
        guard n > 0, let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return [] }
        var out = [UInt8]()
        out.reserveCapacity(n + n / 32 + 1)
        let hashBits = 14
        var table = [Int](repeating: -1, count: 1 << hashBits)
        @inline(__always) func hash(_ i: Int) -> Int {
            // Safe: called only with i + 2 < n.
            let v = UInt32(p[i]) << 16 | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2])
            return Int((v &* 2_654_435_761) >> (32 - UInt32(hashBits)))
        }
        func flushLiterals(_ start: Int, _ end: Int) {
            var s = start
            while s < end {
                let length = min(32, end - s)
                out.append(UInt8(length - 1))
                out.append(contentsOf: UnsafeBufferPointer(start: p + s, count: length))  // s + length ≤ end ≤ n
                s += length
            }
        }
        var literalStart = 0
        var i = 0
        while i + 2 < n {
            let h = hash(i)
            let candidate = table[h]
            table[h] = i
            let distance = i - candidate
            // Safe: candidate ≥ 0 and candidate < i, i + 2 < n, so all three reads are in bounds.
            if candidate >= 0, distance <= maximumDistance,
               p[candidate] == p[i], p[candidate + 1] == p[i + 1], p[candidate + 2] == p[i + 2] {
                let limit = min(maximumMatch, n - i)
                var length = 3
                // Safe: candidate + length < i + length < i + limit ≤ n.
                while length < limit && p[candidate + length] == p[i + length] { length += 1 }
                flushLiterals(literalStart, i)
                let offset = distance - 1
                let encoded = length - 2
                if encoded < 7 {
                    out.append(UInt8(encoded << 5 | offset >> 8))
                } else {
                    out.append(UInt8(7 << 5 | offset >> 8))
                    out.append(UInt8(encoded - 7))
                }
                out.append(UInt8(offset & 0xFF))
                let end = i + length
                i += 1
                while i < end && i + 2 < n { table[hash(i)] = i; i += 1 }
                i = end
                literalStart = end
            } else {
                i += 1
            }
        }
        flushLiterals(literalStart, n)
        return out
    }

    /// Decompresses `input`, which must produce exactly `count` bytes.
    /// - Throws: `V2XError.malformedData` for a back-reference before the start of the output,
    ///   a chunk that runs past the end of the input, or output longer or shorter than `count`.
    public static func decompress(_ input: UnsafeRawBufferPointer, count: Int) throws -> [UInt8] {
        guard count >= 0 else { throw V2XError(.malformedData, "negative LZF output size \(count)") }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            guard let ip = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                guard count == 0 else { throw V2XError(.malformedData, "empty LZF input, \(count) bytes expected") }
                return
            }
            // Only reached when count > 0 or the input is non-empty; an empty output buffer has no base.
            let op = buffer.baseAddress
            let n = input.count
            var i = 0, o = 0
            func fail(_ message: String) -> V2XError {
                V2XError(.malformedData, "LZF: \(message) (input byte \(i), output byte \(o) of \(count))")
            }
            while i < n {
                let control = Int(ip[i])  // i < n
                i += 1
                if control < 32 {
                    let length = control + 1
                    guard length <= n - i else { throw fail("literal run of \(length) bytes passes the end of the input") }
                    guard length <= count - o, let op else { throw fail("output longer than promised") }
                    // Safe: i + length ≤ n and o + length ≤ count (both checked above).
                    (op + o).update(from: ip + i, count: length)
                    i += length; o += length
                    initialized = o
                } else {
                    var length = control >> 5
                    guard i < n else { throw fail("back-reference cut off") }
                    if length == 7 {
                        length += Int(ip[i])  // i < n
                        i += 1
                        guard i < n else { throw fail("back-reference cut off") }
                    }
                    let distance = ((control & 0x1F) << 8 | Int(ip[i])) + 1  // i < n
                    i += 1
                    length += 2
                    guard distance <= o else { throw fail("back-reference \(distance) bytes back, before the start of the output") }
                    guard length <= count - o, let op else { throw fail("output longer than promised") }
                    // Safe: o - distance ≥ 0 and o + length ≤ count; bytes are copied one by one
                    // because source and destination may overlap.
                    for k in 0..<length { op[o + k] = op[o - distance + k] }
                    o += length
                    initialized = o
                }
            }
            guard o == count else { throw fail("output ends after \(o) bytes") }
        }
    }
}
