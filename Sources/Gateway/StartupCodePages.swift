#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Runtime
import SensorgateCore

/// Lets the kernel unmap the code pages only the start needed, for boards where a few MB
/// count.
///
/// The start runs code the gateway never runs again (argument parsing, the YAML reader,
/// the profile's validation, every driver's option checks), and each page fault on a
/// file-backed mapping maps the 64 kB around it (the kernel's fault-around), so after the
/// start most of the executable's and the libraries' code is in the process's resident
/// set. Measured with 1,000 sensors on 9 buses, the Swift runtime linked statically: 9.4 MB
/// of the executable's 17 MB of code resident, 2.8 MB once released and running (the
/// gateway's whole resident set went from 20.1 to 12.1 MB). The pages are clean copies of
/// the files (the page cache keeps them, so the kernel may reclaim them at any time
/// anyway): dropping them from the page tables is free of risk, and a page the running
/// gateway needs is mapped again on its next use, one page at a time (`MADV_RANDOM` turns
/// fault-around off for these mappings).
///
/// Only executable, private, file-backed mappings with no anonymous (copied-on-write)
/// page are touched: read-only data mappings may be relocation targets made read-only
/// after the start (RELRO), whose pages are private copies that must never be dropped.
enum StartupCodePages {
    /// How long after ``GatewayRuntime/start()`` the start's last code has run: the bus
    /// workers set their parts up and the first broker connection is made after it
    /// returns, within a few seconds even with 1,000 parts.
    static let settlingTime = Interval.seconds(10)

    /// Releases the pages now and once more when the start has settled; call on the loop
    /// thread once ``GatewayRuntime/start()`` returned.
    static func release(now loop: EventLoop) {
        release()
        _ = loop.schedule(after: settlingTime) { release() }
    }

    static func release() {
        guard let smaps = readTextFile("/proc/self/smaps", limit: 4 << 20) else { return }
        for mapping in CodeMapping.clean(in: smaps) {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            // A refusal only leaves the pages resident, as they were: nothing to report.
            _ = madvise(start, mapping.length, MADV_RANDOM)
            _ = madvise(start, mapping.length, MADV_DONTNEED)
        }
    }
}
