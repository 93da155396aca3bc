import Foundation
import V2XCore

/// The host's real-time clock as a `Timestamp` (UNIX epoch nanoseconds): what the nodes of a
/// launch agree on a start time with (`ScenarioClock.wallStart`).
public enum WallClock {
    /// Now, from `CLOCK_REALTIME`.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanoseconds: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }

    /// Nanoseconds of a monotonic clock, for measuring stage durations.
    public static func monotonicNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    /// Nanoseconds of CPU time this process has used on all its threads, user and system
    /// (`CLOCK_PROCESS_CPUTIME_ID`): what a node costs the host, whatever it waited for.
    public static func processCPUNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}
