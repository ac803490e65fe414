import CGPIOD

/// The system's libgpiod (API v1, 1.6 on Debian 12 and Raspberry Pi OS bookworm).
///
/// Every libgpiod call of the project lives in this target, behind small Swift types
/// (``LibgpiodChipProvider``, ``LibgpiodChip``, ``LibgpiodLineRequest``) that implement the
/// boundary protocols of `SensorgateCore`, so a libgpiod 2 backend can be added beside them.
public enum Libgpiod {
    /// The library's version string, e.g. `1.6.3`.
    public static var version: String { String(cString: gpiod_version_string()) }
}
