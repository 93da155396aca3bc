import Foundation
import V2XCore

extension LaunchFile {
    /// Checks every field's range and the agents' and links' consistency.
    /// - Throws: `V2XError.invalidArgument` whose message names the offending field.
    public func validate() throws {
        func require(_ condition: Bool, _ field: String, _ problem: @autoclosure () -> String) throws {
            guard condition else { throw V2XError(.invalidArgument, "launch file field '\(field)': \(problem())") }
        }
        try require(rateHz.isFinite && rateHz > 0, "rate_hz", "must be a positive number, got \(rateHz)")
        try require(speed.isFinite && speed > 0, "speed", "must be a positive number, got \(speed)")
        try require(!model.isEmpty, "model", "must name a model folder")
        try require(!codebook.isEmpty, "codebook", "must name a codebook base path")
        try require(fusion.mode != .early, "fusion.mode", "early fusion needs every agent's raw points and runs in process only (v2x replay); a node supports none, late, intermediate")
        try require((0...FusionSettings.maxBoxReturnLimit).contains(fusion.boxReturns), "fusion.box_returns",
                    "must be in 0…\(FusionSettings.maxBoxReturnLimit), got \(fusion.boxReturns)")
        try require(deadlineSeconds.isFinite && deadlineSeconds >= 0, "deadline_ms", "must be ≥ 0, got \(deadlineSeconds * 1000)")
        try require(maxAgeSeconds.isFinite && maxAgeSeconds > 0, "max_age_ms", "must be > 0, got \(maxAgeSeconds * 1000)")
        try require(selection.budgetBytes > 0, "selection.budget_bytes", "must be positive, got \(selection.budgetBytes)")
        try require((0...1).contains(selection.confidenceThreshold), "selection.confidence_threshold", "must be in [0, 1], got \(selection.confidenceThreshold)")

        try require(!agents.isEmpty, "agents", "must list at least one agent")
        var ids = Set<String>(), endpoints = Set<String>()
        for (i, agent) in agents.enumerated() {
            try require(!agent.id.isEmpty, "agents[\(i)].id", "must not be empty")
            try require(ids.insert(agent.id).inserted, "agents[\(i)].id", "'\(agent.id)' is listed twice")
            try require(Self.isEndpoint(agent.endpoint), "agents[\(i)].endpoint", "'\(agent.endpoint)' is not tcp://HOST:PORT (port 1–65535) or ipc://PATH")
            try require(endpoints.insert(agent.endpoint).inserted, "agents[\(i)].endpoint", "'\(agent.endpoint)' is used by two agents")
        }
        if let ego {
            try require(ids.contains(ego), "ego", "'\(ego)' is not one of the agents (\(agents.map(\.id).joined(separator: ", ")))")
        }

        try Self.validate(links.defaultLink, field: "links.default")
        var pairs = Set<[String]>()
        for (i, override) in links.overrides.enumerated() {
            let field = "links.overrides[\(i)]"
            try require(ids.contains(override.from), field + ".from", "'\(override.from)' is not one of the agents")
            try require(ids.contains(override.to), field + ".to", "'\(override.to)' is not one of the agents")
            try require(override.from != override.to, field, "an agent has no link to itself")
            try require(pairs.insert([override.from, override.to]).inserted, field, "a second override of \(override.from) → \(override.to)")
            try Self.validate(override.link, field: field)
        }
    }

    /// Range checks of one link's fields.
    static func validate(_ link: Link, field: String) throws {
        func check(_ value: Double?, _ name: String, _ valid: (Double) -> Bool, _ rule: String) throws {
            if let value, !(value.isFinite && valid(value)) {
                throw V2XError(.invalidArgument, "launch file field '\(field).\(name)': \(rule), got \(value)")
            }
        }
        try check(link.delayMilliseconds, "delay_ms", { $0 >= 0 }, "must be ≥ 0")
        try check(link.jitterMilliseconds, "jitter_ms", { $0 >= 0 }, "must be ≥ 0")
        try check(link.loss, "loss", { (0...1).contains($0) }, "must be in [0, 1]")
        try check(link.bandwidthMegabitsPerSecond, "bandwidth_mbps", { $0 > 0 }, "must be > 0 (omit it for an unlimited link)")
    }

    /// Whether `endpoint` is `tcp://HOST:PORT` with a numeric port or `ipc://PATH`.
    static func isEndpoint(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("ipc://") { return endpoint.count > "ipc://".count }
        guard endpoint.hasPrefix("tcp://") else { return false }
        let rest = endpoint.dropFirst("tcp://".count)
        guard let colon = rest.lastIndex(of: ":"), colon != rest.startIndex,
              let port = Int(rest[rest.index(after: colon)...]) else { return false }
        return (1...65535).contains(port)
    }
}
