/// The CPU a launch's nodes used per sensor frame against what the host's cores give, so a
/// run says whether the machine could keep the sensor rate at all, not only whether it did.
///
///     used      = Σ over nodes of CPU seconds / frames          (core-ms per frame)
///     available = cores × 1000 / rate_hz                        (core-ms per frame, real time)
///
/// At speed `s` the frames come `1 / s` times as far apart, so `available / s` is what the run
/// itself had. Only nodes that recorded their CPU time count (a killed node wrote nothing).
public struct NodeCPUBudget: Sendable, Equatable {
    /// Core-milliseconds the nodes used together per frame of the run.
    public var usedMillisecondsPerFrame: Double
    /// Core-milliseconds the cores give per frame at real time (speed 1).
    public var availableMillisecondsPerFrame: Double
    /// Nodes whose CPU time is counted.
    public var nodes: Int

    /// - Parameters:
    ///   - summaries: the nodes' run summaries.
    ///   - frames: frames the launch ran (each node's share of them is in its CPU time).
    ///   - rateHz: the sensor rate.
    ///   - cores: the host's cores.
    /// - Returns: nil when no node recorded its CPU time, or `frames`, `rateHz` or `cores` is not positive.
    public init?(summaries: [NodeRunSummary], frames: Int, rateHz: Double, cores: Int) {
        let seconds = summaries.compactMap(\.cpuSeconds)
        guard !seconds.isEmpty, frames > 0, rateHz > 0, cores > 0 else { return nil }
        usedMillisecondsPerFrame = seconds.reduce(0, +) * 1000 / Double(frames)
        availableMillisecondsPerFrame = Double(cores) * 1000 / rateHz
        nodes = seconds.count
    }

    /// Used over available at real time: above 1 the host cannot keep the sensor rate.
    public var realTimeLoad: Double { usedMillisecondsPerFrame / availableMillisecondsPerFrame }
}
