import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A mosquitto with a TLS listener and throwaway certificates made by `openssl` in its
/// own temporary directory: a test CA, a server certificate for `localhost` and
/// `127.0.0.1` signed by it, and a second, unrelated CA. The same listener is also
/// opened on 127.0.0.2, an address the certificate does not list (Linux answers the
/// whole 127/8 on loopback), for the wrong-host-name case; and ``clientCertificatePort``
/// (the next port, on 127.0.0.1) wants a client certificate signed by the test CA.
final class TLSBroker: @unchecked Sendable {
    let directory: URL
    private(set) var port = 0
    private var process: ChildProcess?

    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    var otherCAFile: String { directory.appendingPathComponent("other-ca.pem").path }
    var clientCertificate: String { directory.appendingPathComponent("client.pem").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }
    var clientCertificatePort: Int { port + 1 }

    init() throws {
        directory = TestEnvironment.temporaryDirectory()
        try makeCertificates()
        try start()
    }

    deinit { process?.stop(grace: 2) }

    private func openssl(_ arguments: [String]) throws {
        let result = try run("/usr/bin/openssl", arguments)
        if result.status != 0 { throw TestFailure("openssl \(arguments.first ?? "") failed: \(result.error)") }
    }

    private func makeCertificates() throws {
        let path = { (name: String) in self.directory.appendingPathComponent(name).path }
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("ca.key"), "-out", path("ca.pem"),
                     "-days", "2", "-subj", "/CN=Sensorgate test CA"])
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("other-ca.key"),
                     "-out", path("other-ca.pem"), "-days", "2", "-subj", "/CN=Unrelated test CA"])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"),
                     "-subj", "/CN=localhost"])
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: path("san.ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("san.ext")])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("client.key"), "-out", path("client.csr"),
                     "-subj", "/CN=sensorgate test gateway"])
        try openssl(["x509", "-req", "-in", path("client.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-out", path("client.pem"), "-days", "2"])
        // Started as root, mosquitto drops to its own user: it must be able to read them.
        chmod(directory.path, 0o755)
        for name in ["ca.pem", "server.pem", "server.key"] { chmod(path(name), 0o644) }
    }

    private func start() throws {
        for _ in 0..<20 {
            let port = 20_000 + Int.random(in: 0..<39_999)
            let tls = """
            cafile \(caFile)
            certfile \(directory.appendingPathComponent("server.pem").path)
            keyfile \(directory.appendingPathComponent("server.key").path)
            """
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
