import CGPIOD

/// The system's libgpiod (API v1, 1.6 on Debian 12 and Raspberry Pi OS bookworm).
///
/// Every libgpiod call of the project lives in this target, behind small Swift types, so
/// a libgpiod 2 backend can be added beside it. The line-request backend that reads edge
/// events from the kernel is the subject of its own issue; until it lands, `run` without
/// `--simulate` says so instead of falling back to anything.
public enum Libgpiod {
    /// The library's version string, e.g. `1.6.3`.
    public static var version: String { String(cString: gpiod_version_string()) }
}
