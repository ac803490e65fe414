#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto

/// `mosquitto_lib_init` once per process, and SIGPIPE ignored for every client made.
enum MosquittoLibrary {
    private static let initialised: Bool = {
        mosquitto_lib_init()
        return true
    }()

    static func initialise() {
        _ = initialised
        ignoreBrokenPipes()
    }

    /// A write to a connection the broker has closed raises SIGPIPE, whose default action
    /// kills the whole process (a gateway, a test runner, a benchmark): libmosquitto 2.0.11
    /// writes with plain `write` (and ignores SIGPIPE itself), 2.0.21 sends with
    /// MSG_NOSIGNAL but not over TLS, where OpenSSL writes. Ignored, the write fails with
    /// EPIPE and the client reconnects. A disposition the program chose itself is left alone.
    private static func ignoreBrokenPipes() {
        var current = sigaction()
        guard sigaction(SIGPIPE, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { return }
        signal(SIGPIPE, SIG_IGN)
    }
}
