import Foundation
import Fusion

/// Sums what collaborators sent over a replay: bytes per message and cells per coded message.
struct VolumeTally {
    private(set) var messages = 0
    private(set) var bytes = 0
    private(set) var fractionSum = 0.0
    private(set) var codedMessages = 0

    mutating func add(_ result: CooperativeReplay.FrameResult) {
        messages += result.messageBytes.count
        bytes += result.messageBytes.reduce(0, +)
        fractionSum += result.fractionsSent.reduce(0, +)
        codedMessages += result.fractionsSent.count
    }

    /// Mean bytes of one collaborator message (0 without messages).
    var meanBytes: Double { messages > 0 ? Double(bytes) / Double(messages) : 0 }

    /// Mean fraction of cells a coded message carried, or nil without coded messages.
    var meanFractionSent: Double? { codedMessages > 0 ? fractionSum / Double(codedMessages) : nil }

    /// A one-line summary, or nil when nothing was sent.
    var line: String? {
        guard messages > 0 else { return nil }
        var text = "messages: \(messages) from collaborators, \(String(format: "%.0f", meanBytes)) B each (log2 \(String(format: "%.1f", log2(max(meanBytes, 1)))))"
        if let f = meanFractionSent { text += ", \(String(format: "%.2f", f * 100))% of cells" }
        return text
    }
}
