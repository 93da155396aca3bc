import Comm
import Foundation
import Testing
import V2XCore
import V2XTestSupport

@Suite struct KeyFilesTests {
    @Test func launchKeysWriteAndLoadBack() throws {
        let dir = try TemporaryDirectory()
        let keys = try LaunchKeys.generate(agentIDs: ["a", "b"])
        try keys.write(to: dir.url)
        let keyring = try Keyring.load(from: dir.file(LaunchKeys.keyringFileName))
        #expect(Set(keyring.keys.keys) == ["a", "b"])
        let a = try SigningIdentity.load(agentID: "a", from: LaunchKeys.privateKeyURL(agentID: "a", in: dir.url))
        #expect(a.publicKey.rawRepresentation == keyring.publicKey(for: "a")?.rawRepresentation)
        let mode = try FileManager.default.attributesOfItem(atPath: LaunchKeys.privateKeyURL(agentID: "a", in: dir.url).path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func badKeyFilesAndIdsAreTypedErrors() throws {
        let dir = try TemporaryDirectory()
        try Data("{\"format\":\"v2x-keyring-1\",\"agents\":{\"a\":\"not a key\"}}".utf8).write(to: dir.file("k.json"))
        #expect(throws: V2XError.self) { try Keyring.load(from: dir.file("k.json")) }
        try Data("{\"format\":\"other\",\"agents\":{}}".utf8).write(to: dir.file("o.json"))
        #expect(throws: V2XError.self) { try Keyring.load(from: dir.file("o.json")) }
        #expect(throws: V2XError.self) { try Keyring.load(from: dir.file("missing.json")) }
        #expect(throws: V2XError.self) { try LaunchKeys.generate(agentIDs: ["../etc"]) }
        #expect(throws: V2XError.self) { try LaunchKeys.generate(agentIDs: ["a", "a"]) }
    }
}
