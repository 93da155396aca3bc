/// A JSON key of the evaluation report, built from a literal or a prefix and a threshold
/// (`"ap"`, 0.5 → `"ap50"`).
struct ReportKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
    init(_ prefix: String, threshold: Double) { stringValue = prefix + String(Int((threshold * 100).rounded())) }
}
