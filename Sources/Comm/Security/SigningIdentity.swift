import Crypto
import Foundation
import V2XCore

/// An agent's private signing key: seals payloads into signed envelopes.
///
/// Private keys are stored as PKCS#8 PEM (`<agent>.key.pem`, mode 0600); `v2x keygen`
/// writes them with the keyring for a launch.
public struct SigningIdentity: Sendable {
    /// The agent this key belongs to (the envelope's `signer_id`).
    public let agentID: String
    public let privateKey: P256.Signing.PrivateKey

    public init(agentID: String, privateKey: P256.Signing.PrivateKey) {
        self.agentID = agentID
        self.privateKey = privateKey
    }

    /// A fresh random key (from the system's secure random source).
    public static func generate(agentID: String) -> SigningIdentity {
        SigningIdentity(agentID: agentID, privateKey: P256.Signing.PrivateKey())
    }

    /// The public half, for the keyring.
    public var publicKey: P256.Signing.PublicKey { privateKey.publicKey }

    /// Signs serialized `BEVMessage` bytes and wraps them in an envelope.
    /// - Returns: the serialized `Envelope`, ready for the socket.
    public func seal(payload: [UInt8]) throws -> [UInt8] {
        let signature = try privateKey.signature(for: SignedBytes.make(formatVersion: BEVMessage.formatVersion, payload: payload))
        var envelope = V2x_Wire_Envelope()
        envelope.formatVersion = BEVMessage.formatVersion
        envelope.signerID = agentID
        envelope.payload = Data(payload)
        envelope.signature = signature.rawRepresentation
        return try [UInt8](envelope.serializedBytes() as Data)
    }

    /// Serializes and seals a message.
    /// - Throws: `V2XError.invalidArgument` when `message.agentID` is not this identity's agent.
    public func seal(_ message: BEVMessage) throws -> [UInt8] {
        guard message.agentID == agentID else {
            throw V2XError(.invalidArgument, "agent \(agentID) cannot sign a message of agent \(message.agentID)")
        }
        return try seal(payload: message.serializedPayload())
    }

    /// Reads a PKCS#8 (or SEC1) PEM private key.
    /// - Throws: `V2XError.ioFailure` when unreadable, `.malformedData` when not a P-256 key.
    public static func load(agentID: String, from url: URL) throws -> SigningIdentity {
        let pem: String
        do { pem = try String(contentsOf: url, encoding: .utf8) } catch {
            throw V2XError(.ioFailure, "cannot read private key: \(error.localizedDescription)", path: url.path)
        }
        do {
            return SigningIdentity(agentID: agentID, privateKey: try P256.Signing.PrivateKey(pemRepresentation: pem))
        } catch {
            throw V2XError(.malformedData, "not a P-256 private key in PEM", path: url.path)
        }
    }

    /// Writes the private key as PKCS#8 PEM, readable by the owner only.
    public func save(to url: URL) throws {
        do {
            try Data(privateKey.pemRepresentation.utf8).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        } catch {
            throw V2XError(.ioFailure, "cannot write private key: \(error.localizedDescription)", path: url.path)
        }
    }
}
