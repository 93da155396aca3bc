import Foundation

/// Where the project's own files are: the folder holding `Package.swift` (and
/// `scenarios/`, `calibration/`, `models/`), found from the working directory upwards,
/// or from `V2X_ROOT` when set.
enum ProjectPaths {
    static var root: URL {
        if let explicit = ProcessInfo.processInfo.environment["V2X_ROOT"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("scenarios/presets").path) {
                return dir
            }
            dir.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    }

    /// The shipped model folder, relative to the root.
    static let defaultModel = "models/pillars-centerpoint-vehicle"

    /// The model folder a command uses: `--model` when given, else the shipped one.
    static func modelDirectory(_ model: String?) -> URL {
        model.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? root.appendingPathComponent(defaultModel, isDirectory: true)
    }

    /// The int8 calibration table of a model folder: `calibration/<model name>/int8.json`.
    static func calibrationTable(of modelDirectory: URL) -> URL {
        root.appendingPathComponent("calibration/\(modelDirectory.lastPathComponent)/int8.json")
    }
}
