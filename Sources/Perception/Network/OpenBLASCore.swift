import COpenBLAS

/// The kernel set ("core") OpenBLAS runs v2x's fp32 matrix products with, and the fix for
/// CPUs that OpenBLAS does not recognise.
///
/// Debian's OpenBLAS 0.3.21 (`DYNAMIC_ARCH`) picks its kernels once, when the library loads,
/// from the CPU's family and model numbers. On models newer than it knows (Intel family 6
/// model 207, Emerald Rapids, for one) it falls back to its SSE3 "Prescott" kernels, although
/// the CPU runs AVX-512: the fp32 backbone then takes about 2.4× as long. The only way to
/// choose is the `OPENBLAS_CORETYPE` variable, read at load, so the `v2x` command re-executes
/// itself once with it set to ``recommendedForThisCPU`` (a value the user sets is kept).
public enum OpenBLASCore {
    /// The variable OpenBLAS reads at load to override its CPU detection.
    public static let environmentVariable = "OPENBLAS_CORETYPE"

    /// Cores OpenBLAS falls back to for CPUs it cannot place; none of them uses AVX2.
    public static let fallbackCores: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Barcelona", "Opteron"]

    /// The kernel set OpenBLAS chose in this process ("SkylakeX", "Haswell", "Prescott", …).
    public static var active: String { String(cString: openblas_get_corename()) }

    /// The core to ask for instead of `active`, or nil when `active` is already a proper choice.
    /// - Parameters:
    ///   - active: the core OpenBLAS chose.
    ///   - runsSkylakeX: the CPU runs AVX-512 F/CD/BW/DQ/VL.
    ///   - runsHaswell: the CPU runs AVX2 and FMA3.
    public static func recommended(active: String, runsSkylakeX: Bool, runsHaswell: Bool) -> String? {
        guard fallbackCores.contains(active) else { return nil }
        if runsSkylakeX { return "SkylakeX" }
        if runsHaswell { return "Haswell" }
        return nil
    }

    /// The core to ask for on this CPU in this process, or nil.
    public static var recommendedForThisCPU: String? {
        recommended(
            active: active,
            runsSkylakeX: v2x_cpu_runs_openblas_skylakex() != 0,
            runsHaswell: v2x_cpu_runs_openblas_haswell() != 0
        )
    }
}
