#if os(Linux)
import CMalloc
#endif

extension VQEncoder {
    /// Makes glibc serve large allocations from the heap and keep freed memory (wraps
    /// `mallopt(M_MMAP_MAX, 0)` and `mallopt(M_TRIM_THRESHOLD, INT_MAX)`): every layer allocates
    /// feature maps of up to hundreds of MB, and fresh mappings cost a page fault per 4 KiB (seconds
    /// of system time per Emu3 512 view). Process-wide; call once before encoding (the CLI and the
    /// benchmark do). Linux only; a no-op elsewhere.
    public static func keepFreedMemoryForReuse() {
        #if os(Linux)
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }
}
