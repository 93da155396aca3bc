/// How a PCD file stores its payload (the `DATA` line).
///
/// ```
/// ascii              one text line per point, values separated by spaces
/// binary             points back to back (array of structures), little-endian
/// binary_compressed  u32 compressed size, u32 uncompressed size, then LZF data that
///                    decompresses to field blocks (structure of arrays): all x, all y, …
/// ```
public enum PCDEncoding: String, Sendable, CaseIterable, Codable {
    case ascii
    case binary
    case binaryCompressed = "binary_compressed"
}
