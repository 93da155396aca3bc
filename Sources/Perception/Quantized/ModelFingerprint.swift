import Foundation
import V2XCore

/// A fingerprint of a detector — its config and every tensor's name, shape and value bits —
/// that a ``CalibrationTable`` stores so a table is never applied to a model it was not
/// calibrated for (retrained weights, another config).
///
/// `fnv1a64:` followed by 16 hex digits: 64-bit FNV-1a over the config as JSON with sorted
/// keys, then per tensor in `DetectorNetwork.tensors` order its UTF-8 name, its shape as
/// little-endian 64-bit integers and its values' IEEE-754 bits, little-endian. A check
/// against mix-ups, not a defence against forgery.
public enum ModelFingerprint {
    /// The fingerprint of `network`.
    /// - Throws: `V2XError.invalidArgument` when the config cannot be encoded (a non-finite field).
    public static func of(_ network: DetectorNetwork) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let config: Data
        do { config = try encoder.encode(network.config) } catch {
            throw V2XError(.invalidArgument, "cannot encode the model config: \(error)")
        }
        var hash = FNV1a64()
        hash.add(config)
        for tensor in network.tensors {
            hash.add(Data(tensor.name.utf8))
            for dimension in tensor.shape { hash.add(UInt64(truncatingIfNeeded: dimension)) }
            for value in tensor.values { hash.add(value.bitPattern) }
        }
        return "fnv1a64:" + String(hash.value, radix: 16).leftPadded(to: 16)
    }
}

/// 64-bit FNV-1a.
private struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func add(_ bytes: Data) {
        for byte in bytes { addByte(byte) }
    }

    /// Adds the 8 bytes of `word`, least significant first.
    mutating func add(_ word: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { addByte(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
    }

    /// Adds the 4 bytes of `word`, least significant first.
    mutating func add(_ word: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { addByte(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
    }

    private mutating func addByte(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
