#if canImport(Glibc)
import Glibc
#endif

/// Process-wide allocator settings for the detector's hot loop.
///
/// Every forward pass allocates a few buffers of 10–40 MB (im2col columns, activations).
/// glibc serves those with fresh `mmap`s and returns them on free, so each pass pays page
/// faults and page clearing for every byte (a quarter of the run time in profiles).
/// Raising the mmap and trim thresholds keeps freed blocks in the heap for reuse.
public enum AllocatorTuning {
    /// Keeps large freed blocks for reuse. Call once at the start of a long-running command.
    /// - Returns: whether the allocator accepted the settings (false off glibc).
    @discardableResult
    public static func retainLargeBuffers() -> Bool {
        #if canImport(Glibc)
        // `mallopt` lives in <malloc.h>, which the Glibc module does not export: look it up.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1   // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        return mallopt(mmapThreshold, 512 << 20) == 1 && mallopt(trimThreshold, 1 << 30) == 1
        #else
        return false
        #endif
    }
}
