/// A small table rendered for a terminal (aligned columns) or as GitHub-flavoured markdown.
/// The first column is left-aligned, the others right-aligned.
public struct TextTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The table as lines of text.
    /// - Parameter markdown: `| a | b |` rows with a `|---|--:|` rule; otherwise columns
    ///   padded with spaces and separated by two spaces.
    public func lines(markdown: Bool) -> [String] {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        let cells = all.map { $0 + Array(repeating: "", count: columns - $0.count) }
        if markdown {
            let rule = (0..<columns).map { $0 == 0 ? "---" : "--:" }
            return ([cells[0], rule] + cells.dropFirst()).map { "| " + $0.joined(separator: " | ") + " |" }
        }
        let widths = (0..<columns).map { c in cells.map { $0[c].count }.max() ?? 0 }
        return cells.map { row in
            row.enumerated().map { c, text in
                let pad = String(repeating: " ", count: widths[c] - text.count)
                return c == 0 ? text + pad : pad + text
            }.joined(separator: "  ")
        }
    }
}
