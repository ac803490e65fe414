#if canImport(Glibc)
import Glibc
#endif
import Logging
@testable import MQTT
import Testing

/// libmosquitto 2.0.11 (Debian 12) writes to its socket with plain `write` and ignores
/// SIGPIPE in `mosquitto_new`; 2.0.21 (Debian 13) sends with MSG_NOSIGNAL and leaves
/// SIGPIPE alone, but its TLS writes go through OpenSSL's plain `write`. Either way, the
/// client must not leave a process that a closed connection can kill.
@Suite("Broken pipes")
struct BrokenPipeTests {
    @Test("once a client exists, a write to a closed connection fails with EPIPE instead of killing the process")
    func writeToClosedConnection() throws {
        let host = try LoopHost()
        defer { host.stop() }
        let made = Box(false)
        host.loop.execute {
            let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: 1, clientID: "pipes")
            made.update { $0 = (try? MQTTClient(configuration: configuration, loop: host.loop, logger: Logger(label: "test"))) != nil }
        }
        #expect(waitFor(2) { made.current })
        var disposition = sigaction()
        #expect(sigaction(SIGPIPE, nil, &disposition) == 0)
        #expect(disposition.__sigaction_handler.sa_handler != nil, "SIGPIPE still has its default action")

        var ends: [Int32] = [-1, -1]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends) == 0)
        defer { close(ends[0]) }
        close(ends[1])
        var byte: UInt8 = 1
        // Killed here by SIGPIPE if the default action were in place.
        let written = write(ends[0], &byte, 1)
        #expect(written == -1 && errno == EPIPE)
    }
}
