import ArgumentParser
import Comm
import Foundation

/// `v2x keygen`: ECDSA P-256 keys for a launch — one private key per agent and the keyring
/// every agent loads to verify its peers.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make signing keys for a launch: <out>/keyring.json and <out>/<agent>.key.pem per agent."
    )

    @Option(help: "Comma-separated agent ids, e.g. cav-1,cav-2,rsu-1.")
    var agents: String

    @Option(help: "Folder to write the keyring and private keys into.")
    var out: String

    @Flag(help: "Replace an existing keyring and keys in --out.")
    var force = false

    func run() throws {
        let ids = agents.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        let keyringURL = directory.appendingPathComponent(LaunchKeys.keyringFileName)
        if !force, FileManager.default.fileExists(atPath: keyringURL.path) {
            throw ValidationError("\(keyringURL.path) exists; pass --force to replace it")
        }
        let keys = try LaunchKeys.generate(agentIDs: ids)
        try keys.write(to: directory)
        print("wrote \(keyringURL.path) and \(ids.count) private keys (\(ids.joined(separator: ", ")))")
    }
}
