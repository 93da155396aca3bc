import Foundation

/// Settings that libraries read from the environment once, when they load (OpenBLAS's
/// `OPENBLAS_CORETYPE`, libgomp's `OMP_WAIT_POLICY`): the only way to change them is to
/// start the program again with them set.
enum ProcessEnvironment {
    /// Sets each variable of `variables` the environment does not already have (a value the
    /// user set is kept) and, when any was set, replaces this process with a fresh copy of
    /// itself: same arguments, same pid. Returns when nothing was missing, or when the
    /// re-execution fails (the program then goes on as it is).
    static func reexecuting(with variables: [String: String]) {
        let missing = variables.filter { getenv($0.key) == nil }
        guard !missing.isEmpty else { return }
        for (name, value) in missing { setenv(name, value, 1) }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
