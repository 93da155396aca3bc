#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for the detector's hot loop.
///
/// Every forward pass allocates a few buffers of 10–40 MB (im2col columns, activations).
/// glibc serves those with fresh `mmap`s and returns them on free, so each pass pays page
/// faults and page clearing for every byte. Raising the mmap and trim thresholds keeps
/// freed blocks in the heap for reuse, but only in the main arena: a thread that got its own
/// arena (Swift's cooperative pool threads do) still maps and unmaps them. One arena for the
/// whole process makes the thresholds apply everywhere: `perf stat -e page-faults` on
/// `v2x bench pipeline --frames 20` counted 370 k faults with per-thread arenas, 30 k with one.
public enum AllocatorTuning {
    /// One malloc arena, and large freed blocks kept for reuse. Call once, first thing in
    /// `main`, before other threads allocate (a thread keeps the arena it first got).
    /// - Returns: whether the allocator accepted the settings (false off glibc).
    @discardableResult
    public static func retainLargeBuffers() -> Bool {
        #if canImport(Glibc)
        // `mallopt` lives in <malloc.h>, which the Glibc module does not export: look it up.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        // M_ARENA_MAX, M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        let arenaMax: Int32 = -8, mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1
        return mallopt(arenaMax, 1) == 1 && mallopt(mmapThreshold, 512 << 20) == 1 && mallopt(trimThreshold, 1 << 30) == 1
        #else
        return false
        #endif
    }
}
