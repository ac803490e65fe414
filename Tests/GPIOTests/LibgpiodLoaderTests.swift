import GPIO
import SensorgateCore
import Testing

/// Loading libgpiod at run time: which API a library offers, and what is refused.
@Suite("Libgpiod loader")
struct LibgpiodLoaderTests {
    /// Whether a library of that SONAME is installed (Debian 12 has libgpiod.so.2, Debian 13 libgpiod.so.3).
    static func installed(_ soname: String) -> Bool {
        if case .success = Libgpiod.load(soname) { return true }
        return false
    }

    @Test("the host's libgpiod.so.2 loads as API v1 with a 1.x version", .enabled(if: installed("libgpiod.so.2")))
    func hostLibraryIsV1() throws {
        let library = try Libgpiod.load("libgpiod.so.2").get()
        #expect(library.api == .v1)
        #expect(library.version.hasPrefix("1."))
        #expect(library.library == "libgpiod.so.2")
        #expect(library.description == "libgpiod \(library.version) (API v1, libgpiod.so.2)")
    }

    @Test("libgpiod.so.3 (Debian 13) loads as API v2 with a 2.x version", .enabled(if: installed("libgpiod.so.3")))
    func libraryIsV2() throws {
        let library = try Libgpiod.load("libgpiod.so.3").get()
        #expect(library.api == .v2)
        #expect(library.version.hasPrefix("2."))
        #expect(library.description == "libgpiod \(library.version) (API v2, libgpiod.so.3)")
    }

    @Test("a forced path that does not exist is refused, naming the variable and the path")
    func missingForcedPath() {
        let result = Libgpiod.load(forced: "/nonexistent/libgpiod.so.9")
        guard case .failure(let error) = result else {
            Issue.record("a missing library loaded")
            return
        }
        #expect(error.message.hasPrefix("SENSORGATE_LIBGPIOD=/nonexistent/libgpiod.so.9: cannot load /nonexistent/libgpiod.so.9"))
    }

    @Test("a library that is not libgpiod is refused")
    func notLibgpiod() {
        guard case .failure(let error) = Libgpiod.load("libc.so.6") else {
            Issue.record("libc.so.6 was taken for libgpiod")
            return
        }
        #expect(error.code == .unsupported)
        #expect(error.message.contains("libc.so.6 is not libgpiod"))
    }

    @Test("with no candidate loadable, the error says what to install on which release")
    func nothingLoadable() {
        guard case .failure(let error) = Libgpiod.load(candidates: ["libgpiod-sensorgate-missing.so.7",
                                                                    "libgpiod-sensorgate-missing.so.8"]) else {
            Issue.record("a missing library loaded")
            return
        }
        #expect(error.message.contains("libgpiod-sensorgate-missing.so.7"))
        #expect(error.message.contains("libgpiod-sensorgate-missing.so.8"))
        #expect(error.message.contains("install libgpiod3 (Debian 13, Raspberry Pi OS trixie) or libgpiod2 (Debian 12, bookworm)"))
    }

    @Test("API v2 is preferred: libgpiod.so.3 comes first")
    func preference() {
        #expect(Libgpiod.defaultCandidates == ["libgpiod.so.3", "libgpiod.so.2"])
    }
}
