import Crypto
import Foundation
import V2XCore

/// The public keys a receiver trusts: agent id → P-256 public key.
///
/// File format (JSON, written by `v2x keygen`):
/// ```json
/// { "format": "v2x-keyring-1",
///   "agents": { "ego": "-----BEGIN PUBLIC KEY-----\n…", "rsu-3": "…" } }
/// ```
/// Keys are SubjectPublicKeyInfo PEM, so `openssl ec -pubin` reads them too.
public struct Keyring: Sendable {
    /// The format tag written to and required in keyring files.
    public static let format = "v2x-keyring-1"

    public private(set) var keys: [String: P256.Signing.PublicKey]

    public init(keys: [String: P256.Signing.PublicKey] = [:]) { self.keys = keys }

    /// Adds or replaces an agent's key.
    public mutating func add(agentID: String, publicKey: P256.Signing.PublicKey) { keys[agentID] = publicKey }

    /// The key of an agent, or nil when it is not trusted.
    public func publicKey(for agentID: String) -> P256.Signing.PublicKey? { keys[agentID] }

    private struct File: Codable {
        var format: String
        var agents: [String: String]
    }

    /// JSON bytes of the keyring, agents sorted for stable diffs.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(File(format: Self.format, agents: keys.mapValues(\.pemRepresentation)))
    }

    /// Parses a keyring file's bytes.
    /// - Throws: `V2XError.malformedData` for a wrong format tag, bad JSON or a key that is not P-256.
    public init(jsonData: Data) throws {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: jsonData) } catch {
            throw V2XError(.malformedData, "keyring is not valid JSON: \(error)")
        }
        guard file.format == Self.format else {
            throw V2XError(.malformedData, "keyring format '\(file.format)', expected '\(Self.format)'")
        }
        var keys: [String: P256.Signing.PublicKey] = [:]
        for (agent, pem) in file.agents {
            do { keys[agent] = try P256.Signing.PublicKey(pemRepresentation: pem) } catch {
                throw V2XError(.malformedData, "key of agent '\(agent)' is not a P-256 public key in PEM")
            }
        }
        self.keys = keys
    }

    /// Reads a keyring file.
    public static func load(from url: URL) throws -> Keyring {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw V2XError(.ioFailure, "cannot read keyring: \(error.localizedDescription)", path: url.path)
        }
        do { return try Keyring(jsonData: data) } catch var e as V2XError {
            e.path = url.path
            throw e
        }
    }

    /// Writes the keyring file.
    public func save(to url: URL) throws {
        do { try jsonData().write(to: url, options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write keyring: \(error.localizedDescription)", path: url.path)
        }
    }
}
