import Foundation

/// A one-line progress bar on standard error for long commands:
/// `generate  [#########-----------]  45/100  12.3 it/s  eta 4s  loss 0.41`.
///
/// When standard error is not a terminal it prints a plain line at most every 10%, so
/// logs stay readable. Use one bar from one task.
final class ProgressBar {
    private let label: String
    private let total: Int
    private let start = Date()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastDecile = -1

    init(_ label: String, total: Int) {
        self.label = label
        self.total = max(1, total)
    }

    /// Reports that `completed` of `total` units are done, with an optional suffix (e.g. a loss).
    func update(_ completed: Int, note: String = "") {
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        let eta = rate > 0 ? Double(total - completed) / rate : 0
        let fraction = Double(min(completed, total)) / Double(total)
        let stats = String(format: "%d/%d  %.1f it/s  eta %.0fs", completed, total, rate, eta)
        if isTerminal {
            let filled = Int(fraction * 24)
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: 24 - filled)
            FileHandle.standardError.write(Data("\r\(label)  [\(bar)]  \(stats)  \(note)\u{1B}[K".utf8))
            if completed >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            let decile = Int(fraction * 10)
            guard decile > lastDecile else { return }
            lastDecile = decile
            FileHandle.standardError.write(Data("\(label): \(stats)  \(note)\n".utf8))
        }
    }
}
