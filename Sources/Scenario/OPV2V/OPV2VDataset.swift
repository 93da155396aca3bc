import Foundation
import V2XCore

/// An OPV2V / V2XSet split folder (`train/`, `validate/`, `test/`): one subfolder per scenario.
public struct OPV2VDataset: Sendable {
    /// The split folder.
    public let directory: URL
    /// Scenario folder names, sorted as OpenCOOD sorts them (plain string order).
    public let scenarioNames: [String]

    /// Lists the scenario folders of a split.
    /// - Throws: `V2XError.notFound` when the folder does not exist or has no subfolder.
    public init(directory: URL) throws {
        self.directory = directory
        let names = try OPV2VScenario.subdirectories(of: directory)
        guard !names.isEmpty else {
            throw V2XError(.notFound, "no scenario folders in this split", path: directory.path)
        }
        scenarioNames = names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Opens one scenario by folder name.
    /// - Throws: `V2XError.notFound` for an unknown name, else as `OPV2VScenario.init`.
    public func scenario(named name: String) throws -> OPV2VScenario {
        guard scenarioNames.contains(name) else {
            throw V2XError(.notFound, "no scenario '\(name)' in this split", path: directory.path)
        }
        return try OPV2VScenario(directory: directory.appendingPathComponent(name, isDirectory: true))
    }

    /// Opens every scenario, in `scenarioNames` order.
    public func scenarios() throws -> [OPV2VScenario] {
        try scenarioNames.map { try scenario(named: $0) }
    }
}
