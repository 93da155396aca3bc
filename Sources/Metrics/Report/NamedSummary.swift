/// One bin of a breakdown: its report key (`"0-30"`, `"car"`, `"ego_visible"`) and its summary.
public struct NamedSummary<Summary: Sendable & Equatable & Encodable>: Sendable, Equatable {
    public var name: String
    public var summary: Summary

    public init(name: String, summary: Summary) {
        self.name = name
        self.summary = summary
    }
}
