import Dispatch
import Foundation
import Synchronization

/// SIGINT/SIGTERM as a flag the node polls between frames: the frame in progress is
/// finished and flushed, then the node exits 0.
final class NodeStopSignal {
    private let stopped = Atomic<Bool>(false)
    private let sources: [any DispatchSourceSignal]

    /// Replaces the default handlers of SIGINT and SIGTERM for the rest of the process.
    init() {
        let queue = DispatchQueue(label: "v2x.node.signals")
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: queue))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [weak self] in self?.stopped.store(true, ordering: .relaxed) }
            source.resume()
        }
    }

    /// Whether a stop was requested.
    var isSet: Bool { stopped.load(ordering: .relaxed) }
}
