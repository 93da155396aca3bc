import Dispatch
import Foundation
import Fusion
import V2XCore

/// The node processes of a launch: started together, SIGINT/SIGTERM forwarded to them,
/// injected kills (`--kill AGENT@SECONDS`) delivered on time, waited for.
final class LaunchChildren {
    /// One node process and how it ended.
    struct Child {
        let agentID: String
        let process: Process
        let log: URL
    }

    /// `--kill AGENT@SECONDS`: SIGKILL the agent's process that many wall seconds after the start.
    struct Kill: Sendable, Equatable {
        let agentID: String
        let afterSeconds: Double
    }

    private(set) var children: [Child] = []
    /// Kills delivered so far, as "agent@seconds".
    private(set) var killsDone: [String] = []
    private var signalSources: [any DispatchSourceSignal] = []
    private let stopRequested = DispatchSemaphore(value: 0)
    private var forwarded = false

    /// The running `v2x` executable, to start nodes with.
    static func executable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }

    /// Starts a node; its standard output and error go to `log`. Unless the caller's environment
    /// says otherwise, each node gets one OpenBLAS thread: several nodes share the machine's
    /// cores, and every process spinning up a BLAS thread per core oversubscribes them.
    /// - Throws: `V2XError.ioFailure` when the log cannot be created or the process not started.
    func start(agentID: String, arguments: [String], log: URL) throws {
        guard FileManager.default.createFile(atPath: log.path, contents: nil), let handle = try? FileHandle(forWritingTo: log) else {
            throw V2XError(.ioFailure, "cannot create node log", path: log.path)
        }
        let process = Process()
        process.executableURL = Self.executable()
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        if environment["OPENBLAS_NUM_THREADS"] == nil { environment["OPENBLAS_NUM_THREADS"] = "1" }
        process.environment = environment
        do { try process.run() } catch {
            throw V2XError(.ioFailure, "cannot start node \(agentID): \(error.localizedDescription)", path: process.executableURL?.path)
        }
        children.append(Child(agentID: agentID, process: process, log: log))
    }

    /// From now on SIGINT and SIGTERM are not fatal to the launcher; `wait` forwards them.
    func catchSignals() {
        let queue = DispatchQueue(label: "v2x.launch.signals")
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [stopRequested] in stopRequested.signal() }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Waits for every child to exit. Delivers `kills` at `start + afterSeconds`; on a
    /// stop signal sends SIGTERM to every child still running and keeps waiting for their
    /// flushed exit (SIGKILL after `graceSeconds`).
    /// - Returns: whether a stop signal arrived.
    func wait(start: Timestamp, kills: [Kill], graceSeconds: Double = 30) -> Bool {
        var pendingKills = kills.sorted { $0.afterSeconds < $1.afterSeconds }
        var stopDeadline: Timestamp?
        while children.contains(where: { $0.process.isRunning }) {
            if stopRequested.wait(timeout: .now() + .milliseconds(100)) == .success, stopDeadline == nil {
                forwarded = true
                for child in children where child.process.isRunning { kill(child.process.processIdentifier, SIGTERM) }
                stopDeadline = Timestamp(nanoseconds: WallClock.now().nanoseconds + Int64(graceSeconds * 1e9))
            }
            let now = WallClock.now()
            while let next = pendingKills.first, now.seconds(since: start) >= next.afterSeconds {
                pendingKills.removeFirst()
                for child in children where child.agentID == next.agentID && child.process.isRunning {
                    kill(child.process.processIdentifier, SIGKILL)
                    killsDone.append("\(next.agentID)@\(next.afterSeconds)")
                }
            }
            if let stopDeadline, now > stopDeadline {
                for child in children where child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
            }
        }
        return forwarded
    }

    /// How each child ended: `exit N` or `signal N`.
    var endings: [String: String] {
        Dictionary(uniqueKeysWithValues: children.map { child in
            let p = child.process
            return (child.agentID, p.terminationReason == .uncaughtSignal ? "signal \(p.terminationStatus)" : "exit \(p.terminationStatus)")
        })
    }
}
