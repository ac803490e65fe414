import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A mosquitto of its own with a TLS listener using ``TLSCertificates`` on `port` at
/// 127.0.0.1, the same listener on 127.0.0.2, an address the certificate does not list
/// (Linux answers the whole 127/8 on loopback), for the wrong-host-name case; and on
/// ``clientCertificatePort`` (the next port, 127.0.0.1) one that wants a client
/// certificate signed by the test CA. Stopped when the value goes away.
final class TLSBroker: @unchecked Sendable {
    let certificates: TLSCertificates
    let directory: URL
    private(set) var port = 0
    private var process: ChildProcess?

    var caFile: String { certificates.caFile }
    var otherCAFile: String { certificates.otherCAFile }
    var clientCertificate: String { certificates.clientCertificate }
    var clientKey: String { certificates.clientKey }
    var clientCertificatePort: Int { port + 1 }

    init() throws {
        certificates = try TLSCertificates.shared.get()
        directory = TestEnvironment.temporaryDirectory()
        chmod(directory.path, 0o755)
        try start()
    }

    deinit { process?.stop(grace: 2) }

    private func start() throws {
        let tls = """
        cafile \(certificates.caFile)
        certfile \(certificates.serverCertificate)
        keyfile \(certificates.serverKey)
        """
        for _ in 0..<20 {
            let port = 20_000 + Int.random(in: 0..<39_999)
            let configuration = """
            persistence false
            allow_anonymous true
            log_dest stderr
            listener \(port) 127.0.0.1
            \(tls)
            listener \(port) 127.0.0.2
            \(tls)
            listener \(port + 1) 127.0.0.1
            \(tls)
            require_certificate true

            """
            let file = directory.appendingPathComponent("mosquitto.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            chmod(file.path, 0o644)
            let child = try ChildProcess("/usr/sbin/mosquitto", ["-c", file.path])
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, child.isRunning {
                let probe = try run("/usr/bin/mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(port)", "--cafile", caFile,
                                                               "-t", "probe", "-W", "1", "-C", "1", "-E"])
                if probe.status == 0 {
                    self.port = port
                    process = child
                    return
                }
                usleep(100_000)
            }
            child.stop(grace: 1)
        }
        throw TestFailure("could not start a TLS mosquitto on a loopback port")
    }

    /// One retained message on `topic`, read over TLS with the right CA; nil on timeout.
    func retained(_ topic: String) throws -> String? {
        let result = try run("/usr/bin/mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(port)", "--cafile", caFile,
                                                        "-t", topic, "-C", "1", "-W", "5"])
        return result.status == 0 ? result.output.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }
}
