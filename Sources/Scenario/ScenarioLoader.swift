import Foundation
import V2XCore

/// Opens a scenario folder of any layout the stack reads.
public enum ScenarioLoader {
    /// Detects the layout of `url` and opens it:
    /// - a DAIR-V2X-C root (it holds `cooperative/data_info.json`) → `DAIRV2XCScenario`;
    /// - an OPV2V / V2XSet scenario folder (agent subfolders holding `.yaml` frames) →
    ///   `OPV2VScenario`.
    ///
    /// - Throws: `V2XError.notFound` when `url` does not exist or is not a folder;
    ///   `.unsupportedFormat` when it is a folder of neither layout (an OPV2V split folder
    ///   is named as such, with a hint to pass one of its scenarios); errors of the
    ///   chosen loader otherwise.
    public static func open(_ url: URL) throws -> any ScenarioSource {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw V2XError(.notFound, "no such scenario", path: url.path)
        }
        guard isDirectory.boolValue else {
            throw V2XError(.notFound, "a scenario is a folder (OPV2V scenario or DAIR-V2X-C root), not a file", path: url.path)
        }
        if fileManager.fileExists(atPath: url.appendingPathComponent(DAIRV2XCScenario.cooperativeInfoPath).path) {
            return try DAIRV2XCScenario(root: url)
        }
        do {
            return try OPV2VScenario(directory: url)
        } catch let error as V2XError where error.code == .notFound && error.path == url.path {
            throw V2XError(
                .unsupportedFormat,
                "not a scenario: expected an OPV2V scenario folder (<agent id>/<frame>.yaml + .pcd) or a DAIR-V2X-C root (\(DAIRV2XCScenario.cooperativeInfoPath))",
                path: url.path
            )
        }
    }
}
