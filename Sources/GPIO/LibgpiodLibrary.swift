/// A loaded libgpiod: which API it offers, its version and where it came from.
public struct LibgpiodLibrary: Sendable, Equatable, CustomStringConvertible {
    /// The two libgpiod APIs, which are not compatible with each other.
    public enum API: String, Sendable, Equatable {
        /// libgpiod 1.x (`libgpiod.so.2`): one configuration per line request.
        case v1
        /// libgpiod 2.x (`libgpiod.so.3`): the kernel's uAPI v2, with sequence numbers and debounce.
        case v2
    }

    public var api: API
    /// The library's own version string, e.g. `2.2.1` or `1.6.3`.
    public var version: String
    /// The SONAME or path it was loaded by, e.g. `libgpiod.so.3`.
    public var library: String

    public init(api: API, version: String, library: String) {
        self.api = api
        self.version = version
        self.library = library
    }

    /// `libgpiod 2.2.1 (API v2, libgpiod.so.3)`.
    public var description: String { "libgpiod \(version) (API \(api.rawValue), \(library))" }
}
