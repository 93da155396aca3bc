import Foundation
import V2XCore

/// Keys for one launch: a private key per agent and the keyring every agent trusts.
///
/// Layout written by `write(to:)` (and `v2x keygen`):
/// ```
/// DIR/keyring.json        agent id → public key (PEM)
/// DIR/<agent>.key.pem     that agent's private key (PKCS#8 PEM, mode 0600)
/// ```
public struct LaunchKeys: Sendable {
    /// File name of the keyring inside the launch folder.
    public static let keyringFileName = "keyring.json"

    public let identities: [SigningIdentity]
    public let keyring: Keyring

    /// Generates a fresh key per agent.
    /// - Throws: `V2XError.invalidArgument` for an empty list, a repeated id, or an id that is
    ///   not a plain file name (letters, digits, `-`, `_`, `.`; at most 64 bytes).
    public static func generate(agentIDs: [String]) throws -> LaunchKeys {
        guard !agentIDs.isEmpty, Set(agentIDs).count == agentIDs.count else {
            throw V2XError(.invalidArgument, "agent ids must be non-empty and distinct")
        }
        for id in agentIDs {
            let allowed = id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }
            guard allowed, !id.isEmpty, id.utf8.count <= 64, !id.hasPrefix(".") else {
                throw V2XError(.invalidArgument, "agent id '\(id)' must be 1–64 of [A-Za-z0-9._-], not starting with '.'")
            }
        }
        let identities = agentIDs.map { SigningIdentity.generate(agentID: $0) }
        var keyring = Keyring()
        for identity in identities { keyring.add(agentID: identity.agentID, publicKey: identity.publicKey) }
        return LaunchKeys(identities: identities, keyring: keyring)
    }

    /// Writes the keyring and private keys into `directory` (created if needed).
    public func write(to directory: URL) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create \(directory.path): \(error.localizedDescription)", path: directory.path)
        }
        try keyring.save(to: directory.appendingPathComponent(Self.keyringFileName))
        for identity in identities {
            try identity.save(to: Self.privateKeyURL(agentID: identity.agentID, in: directory))
        }
    }

    /// Where an agent's private key lives in a launch folder.
    public static func privateKeyURL(agentID: String, in directory: URL) -> URL {
        directory.appendingPathComponent("\(agentID).key.pem")
    }
}
