/// How one stored element becomes a `Float` of the cloud.
///
/// Integers and F8 convert numerically (`Float(value)`); F4 keeps its exact bit pattern (so
/// subnormals and NaN payloads survive); `rgbRed` reads a 4-byte packed colour and yields its
/// red byte / 255, the way Open3D and OpenCOOD turn OPV2V's `rgb` into intensity:
/// ```
/// bits (little-endian u32):  0xAARRGGBB   →   intensity = Float(RR) / 255
/// ```
enum PCDScalar: Sendable, Equatable {
    case f4, f8, i1, i2, i4, i8, u1, u2, u4, u8
    case rgbRed

    /// The scalar for a numeric field; nil for size/type pairs PCD does not define.
    init?(type: PCDHeader.FieldType, size: Int) {
        switch (type, size) {
        case (.float, 4): self = .f4
        case (.float, 8): self = .f8
        case (.signed, 1): self = .i1
        case (.signed, 2): self = .i2
        case (.signed, 4): self = .i4
        case (.signed, 8): self = .i8
        case (.unsigned, 1): self = .u1
        case (.unsigned, 2): self = .u2
        case (.unsigned, 4): self = .u4
        case (.unsigned, 8): self = .u8
        default: return nil
        }
    }

    /// Bytes one element occupies.
    var size: Int {
        switch self {
        case .i1, .u1: 1
        case .i2, .u2: 2
        case .f4, .i4, .u4, .rgbRed: 4
        case .f8, .i8, .u8: 8
        }
    }

    /// The red channel of packed colour bits, as a fraction of 255.
    @inline(__always)
    static func red(ofPackedColor bits: UInt32) -> Float { Float((bits >> 16) & 0xFF) / 255 }

    /// Reads `count` elements at `start`, `start + stride`, … of `bytes` into `out`.
    ///
    /// The caller guarantees `count == 0` or
    /// `start + (count - 1) · stride + size <= bytes.count` and `out.count >= count`; the loads
    /// below are unchecked because of that single check.
    func gather(_ bytes: UnsafeRawBufferPointer, start: Int, stride: Int, count: Int, into out: UnsafeMutableBufferPointer<Float>) {
        guard count > 0, let base = bytes.baseAddress, let target = out.baseAddress else { return }
        switch self {
        case .f4: Self.load(base, start, stride, count, target) { (v: UInt32) in Float(bitPattern: UInt32(littleEndian: v)) }
        case .f8: Self.load(base, start, stride, count, target) { (v: UInt64) in Float(Double(bitPattern: UInt64(littleEndian: v))) }
        case .i1: Self.load(base, start, stride, count, target) { (v: Int8) in Float(v) }
        case .i2: Self.load(base, start, stride, count, target) { (v: Int16) in Float(Int16(littleEndian: v)) }
        case .i4: Self.load(base, start, stride, count, target) { (v: Int32) in Float(Int32(littleEndian: v)) }
        case .i8: Self.load(base, start, stride, count, target) { (v: Int64) in Float(Int64(littleEndian: v)) }
        case .u1: Self.load(base, start, stride, count, target) { (v: UInt8) in Float(v) }
        case .u2: Self.load(base, start, stride, count, target) { (v: UInt16) in Float(UInt16(littleEndian: v)) }
        case .u4: Self.load(base, start, stride, count, target) { (v: UInt32) in Float(UInt32(littleEndian: v)) }
        case .u8: Self.load(base, start, stride, count, target) { (v: UInt64) in Float(UInt64(littleEndian: v)) }
        case .rgbRed: Self.load(base, start, stride, count, target) { (v: UInt32) in Self.red(ofPackedColor: UInt32(littleEndian: v)) }
        }
    }

    @inline(__always)
    private static func load<T: BitwiseCopyable>(
        _ base: UnsafeRawPointer, _ start: Int, _ stride: Int, _ count: Int, _ out: UnsafeMutablePointer<Float>,
        _ convert: (T) -> Float
    ) {
        var offset = start
        for i in 0..<count {
            // Safe: `gather`'s caller checked that the last element ends inside the buffer and
            // that `out` holds `count` floats; offsets grow by `stride` up to that last element.
            out[i] = convert(base.loadUnaligned(fromByteOffset: offset, as: T.self))
            offset &+= stride
        }
    }
}
