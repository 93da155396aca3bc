import V2XCore

/// The clock every node of a launch shares: wall time (UNIX ns) ↔ scenario time.
///
/// ```
/// scenario(wall) = scenarioStart + (wall − wallStart) · speed
/// wall(scenario) = wallStart + (scenario − scenarioStart) / speed
/// ```
/// `wallStart` is the launch's common start time, `scenarioStart` the earliest capture time
/// of the first frame (the same for every node, which all read that frame). A frame is
/// released to its agent when the scenario clock reaches its capture time; message
/// capture/send times, the gate's "now" and link delays are all on the scenario clock.
public struct ScenarioClock: Sendable, Equatable {
    /// Wall time (UNIX epoch ns) at which scenario time is `scenarioStart`.
    public let wallStart: Timestamp
    public let scenarioStart: Timestamp
    /// Scenario seconds per wall second (> 0).
    public let speed: Double

    /// - Throws: `V2XError.invalidArgument` for a speed that is not positive and finite.
    public init(wallStart: Timestamp, scenarioStart: Timestamp, speed: Double) throws {
        guard speed.isFinite, speed > 0 else { throw V2XError(.invalidArgument, "speed must be positive, got \(speed)") }
        self.wallStart = wallStart; self.scenarioStart = scenarioStart; self.speed = speed
    }

    /// The scenario time at a wall time.
    public func scenarioTime(atWall wall: Timestamp) -> Timestamp {
        Timestamp(nanoseconds: scenarioStart.nanoseconds + Int64((Double(wall.nanoseconds - wallStart.nanoseconds) * speed).rounded()))
    }

    /// The wall time at a scenario time.
    public func wallTime(atScenario scenario: Timestamp) -> Timestamp {
        Timestamp(nanoseconds: wallStart.nanoseconds + Int64((Double(scenario.nanoseconds - scenarioStart.nanoseconds) / speed).rounded()))
    }

    /// Wall seconds that `seconds` of scenario time take.
    public func wallSeconds(scenarioSeconds seconds: Double) -> Double { seconds / speed }

    /// The frame to work on at scenario time `now`: the newest whose capture time has come,
    /// but never one before `after + 1` (frames are processed in order). `nil` when frame
    /// `after + 1` has not been captured yet or none is left.
    /// - Parameter captureTimes: the agent's capture times, ascending.
    public static func frameToProcess(captureTimes: [Timestamp], after last: Int?, now: Timestamp) -> Int? {
        let next = (last ?? -1) + 1
        guard next < captureTimes.count, captureTimes[next] <= now else { return nil }
        var index = next
        while index + 1 < captureTimes.count, captureTimes[index + 1] <= now { index += 1 }
        return index
    }
}
