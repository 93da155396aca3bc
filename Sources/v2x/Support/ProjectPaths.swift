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
}
