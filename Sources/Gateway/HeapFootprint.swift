#if canImport(Glibc)
import CLinux
import Glibc
#endif

/// Keeps the gateway's resident heap to what it holds, for boards where a few MB count.
///
/// Two properties of glibc's allocator cost memory a long-running gateway never uses
/// again: each thread that allocates gets an arena of its own (a bus worker per bus, an
/// expander worker per expander, the loop, libmosquitto's thread), and memory freed after
/// the start (the profile's parsed document, the validation's intermediate values) stays
/// mapped. Measured with 1,000 sensors on 9 buses: 3.5 MB freed-but-kept after the start,
/// about 1.5 MB in per-thread arenas. The gateway's threads allocate little once running
/// (a reading's values, a payload), so two arenas do not contend.
enum HeapFootprint {
    /// At most two malloc arenas: call before the gateway's threads start.
    static func limitArenas() {
        #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, 2)
        #endif
    }

    /// Gives the heap's free pages back to the system: call once the start is done.
    static func returnFreePages() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
