import Foundation

/// The exact bytes an envelope's signature covers (see proto/v2x.proto):
/// `"v2x-bev\0" || format_version (u32 little-endian) || payload`.
///
/// The domain prefix keeps a v2x signature from being valid for any other protocol that
/// signs with the same key; the version is covered so it cannot be downgraded in transit.
public enum SignedBytes {
    /// The 8-byte domain-separation prefix.
    public static let domain: [UInt8] = Array("v2x-bev".utf8) + [0]

    /// Builds the signed byte string.
    public static func make(formatVersion: UInt32, payload: some Collection<UInt8>) -> Data {
        var data = Data(capacity: domain.count + 4 + payload.count)
        data.append(contentsOf: domain)
        withUnsafeBytes(of: formatVersion.littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: payload)
        return data
    }
}
