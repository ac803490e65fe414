#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIOD
import SensorgateCore

/// The system's libgpiod, chosen and loaded at run time.
///
/// One binary serves Debian 12 / Raspberry Pi OS bookworm (libgpiod 1.6, API v1,
/// `libgpiod.so.2`) and Debian 13 / trixie (libgpiod 2.x, API v2, `libgpiod.so.3`): the
/// library is `dlopen`ed on first use, API v2 preferred. `SENSORGATE_LIBGPIOD=/path/to/
/// libgpiod.so.N` forces one library; which API it offers is told by its symbols.
///
/// Nothing is loaded until a kernel chip is asked for, so `run --simulate`, `validate`,
/// `drivers` and `i2c` work on a system without libgpiod.
public enum Libgpiod {
    /// The environment variable that forces one library (a path or a SONAME).
    public static let overrideVariable = "SENSORGATE_LIBGPIOD"

    /// What is tried, in order, when nothing is forced.
    public static let defaultCandidates = ["libgpiod.so.3", "libgpiod.so.2"]

    /// The process's library: loaded once (Swift initialises a static `let` exactly once,
    /// thread-safely), from ``overrideVariable`` if set, else ``defaultCandidates``.
    public static let shared: Result<LibgpiodLibrary, GPIOError> = {
        if let forced = getenv(overrideVariable).map({ String(cString: $0) }), !forced.isEmpty {
            return load(forced: forced)
        }
        return load(candidates: defaultCandidates)
    }()

    /// The process's library, or why there is none.
    public static func library() throws(GPIOError) -> LibgpiodLibrary {
        try shared.get()
    }

    /// The chips of the process's library, through the backend of its API.
    public static func chipProvider() throws(GPIOError) -> any GPIOChipProvider {
        let library = try library()
        switch library.api {
        case .v1:
            return LibgpiodChipProvider(backendDescription: library.description) { path throws(GPIOError) in
                try LibgpiodV1Chip(path: path)
            }
        case .v2:
            return LibgpiodChipProvider(backendDescription: library.description) { path throws(GPIOError) in
                try LibgpiodV2Chip(path: path)
            }
        }
    }

    /// What `sensorgate --version` prints about libgpiod: the library, or why none loads.
    public static var versionLine: String {
        switch shared {
        case .success(let library): return library.description
        case .failure(let error): return "libgpiod: not found (\(error.message))"
        }
    }

    static let installHint = "install libgpiod3 (Debian 13, Raspberry Pi OS trixie) or libgpiod2 (Debian 12, bookworm)"

    /// Tries each SONAME in order; the first that loads wins.
    public static func load(candidates: [String]) -> Result<LibgpiodLibrary, GPIOError> {
        var reasons: [String] = []
        for name in candidates {
            switch load(name) {
            case .success(let library): return .success(library)
            case .failure(let error): reasons.append(error.message)
            }
        }
        return .failure(GPIOError(.unsupported,
                                  "no libgpiod library could be loaded (\(reasons.joined(separator: "; "))); \(installHint)"))
    }

    /// Loads one library given by the user (``overrideVariable``): its failure says so.
    public static func load(forced path: String) -> Result<LibgpiodLibrary, GPIOError> {
        load(path).mapError { error in
            GPIOError(error.code, "\(overrideVariable)=\(path): \(error.message)")
        }
    }

    /// Loads one library by SONAME or path and binds the table of the API it offers.
    /// Binding again (the same library) rewrites the table with the same addresses.
    public static func load(_ name: String) -> Result<LibgpiodLibrary, GPIOError> {
        guard let handle = sg_gpiod_open_library(name) else {
            return .failure(GPIOError(.unsupported, "cannot load \(name): \(String(cString: sg_gpiod_last_error()))"))
        }
        switch Int(sg_gpiod_library_api(handle)) {
        case SG_GPIOD_API_V2:
            if let failure = sg_gpiod_v2_bind(handle) {
                return .failure(GPIOError(.unsupported, "\(name) looks like libgpiod 2 but lacks what the backend needs: \(String(cString: failure))"))
            }
            let version = String(cString: sg_gpiod_v2().pointee.api_version())
            return .success(LibgpiodLibrary(api: .v2, version: version, library: name))
        case SG_GPIOD_API_V1:
            if let failure = sg_gpiod_v1_bind(handle) {
                return .failure(GPIOError(.unsupported, "\(name) looks like libgpiod 1 but lacks what the backend needs: \(String(cString: failure))"))
            }
            let version = String(cString: sg_gpiod_v1().pointee.version_string())
            return .success(LibgpiodLibrary(api: .v1, version: version, library: name))
        default:
            return .failure(GPIOError(.unsupported,
                                      "\(name) is not libgpiod (it has neither gpiod_api_version nor gpiod_version_string)"))
        }
    }
}
