/// How long OpenBLAS's idle worker threads keep spinning for the next call.
///
/// After every multithreaded call Debian's OpenBLAS 0.3.21 (pthreads) leaves its workers
/// polling with `sched_yield` for 2^28 cycles (about 0.1 s) before they sleep. v2x calls it
/// between int8 layers and around the fusion, so the workers never sleep: on a 2-core machine
/// they burned a core — `replay --fusion intermediate --precision int8` on the default scenario
/// made 1.5 million `sched_yield` calls and spent 9 s of system time in 16 s — and took it
/// from the int8 kernels' second thread and from other processes. The timeout is read from
/// the environment once, when the library loads, so the `v2x` command re-executes itself
/// with it set (a value the user sets is kept).
public enum OpenBLASWorkerTimeout {
    /// The variable OpenBLAS reads at load: the spin lasts 2^value cycles.
    public static let environmentVariable = "OPENBLAS_THREAD_TIMEOUT"
    /// OpenBLAS's smallest accepted value, 2^4 cycles: workers sleep as soon as a call ends.
    public static let sleepAtOnce = "4"
}
