import Dispatch
import Foundation
import Synchronization
import V2XCore

/// Writes a `GeneratedScenario` to disk in the OPV2V layout (through `OPV2VWriter`, which
/// converts to CARLA's frame and OPV2V's units) plus its `scenario.yaml` manifest.
///
/// The folder is assembled under a temporary sibling name and renamed into place only
/// when every frame and the manifest are written, so an interrupted run never leaves a
/// folder that looks complete. Frames are ray-cast one after another (each sweep uses
/// every core); the agents' files of one frame are written concurrently.
public struct ScenarioExporter: Sendable {
    public let encoding: PCDEncoding

    public init(encoding: PCDEncoding = .binaryCompressed) {
        self.encoding = encoding
    }

    /// Writes the scenario into `directory`.
    /// - Parameters:
    ///   - overwrite: replace an existing folder (otherwise an existing folder is an error).
    ///   - progress: called after each frame with the number of frames written.
    /// - Throws: `V2XError.invalidArgument` when `directory` exists and `overwrite` is
    ///   false; `.ioFailure` for file system failures; errors of the generator and writer.
    public func write(_ scenario: GeneratedScenario, to directory: URL, overwrite: Bool = false,
                      progress: (Int) -> Void = { _ in }) throws {
        let fm = FileManager.default
        let target = directory.standardizedFileURL
        if fm.fileExists(atPath: target.path) && !overwrite {
            throw V2XError(.invalidArgument, "the output folder already exists; remove it or pass --overwrite", path: target.path)
        }
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? fm.removeItem(at: staging)
        do { try fm.createDirectory(at: staging, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create folder: \(error.localizedDescription)", path: staging.path)
        }
        do {
            let writer = try OPV2VWriter(scenarioDirectory: staging, encoding: encoding)
            for index in scenario.frameIDs.indices {
                let frame = try scenario.frame(at: index)
                try Self.writeConcurrently(frame, with: writer)
                progress(index + 1)
            }
            let manifest = ScenarioManifest(scenario, encoding: encoding).yamlText()
            let manifestURL = staging.appendingPathComponent(ScenarioManifest.fileName)
            do { try manifest.write(to: manifestURL, atomically: true, encoding: .utf8) } catch {
                throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: manifestURL.path)
            }
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            do { try fm.moveItem(at: staging, to: target) } catch {
                throw V2XError(.ioFailure, "cannot move the finished scenario into place: \(error.localizedDescription)", path: target.path)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    /// Writes each agent of `frame` on its own thread (each agent has its own files).
    private static func writeConcurrently(_ frame: ScenarioFrame, with writer: OPV2VWriter) throws {
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: frame.agents.count) { a in
            do {
                try writer.write(ScenarioFrame(index: frame.index, frameID: frame.frameID, agents: [frame.agents[a]]))
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
