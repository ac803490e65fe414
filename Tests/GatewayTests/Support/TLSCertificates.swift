import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Throwaway certificates made by `openssl` once per test run, in a temporary directory:
/// a test CA, a server certificate for `localhost` and `127.0.0.1` signed by it, a client
/// certificate signed by it, and a second, unrelated CA.
struct TLSCertificates: Sendable {
    static let shared = Result { try TLSCertificates() }

    let directory: URL
    var caFile: String { path("ca.pem") }
    var otherCAFile: String { path("other-ca.pem") }
    var serverCertificate: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCertificate: String { path("client.pem") }
    var clientKey: String { path("client.key") }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private init() throws {
        directory = TestEnvironment.temporaryDirectory()
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

    private func openssl(_ arguments: [String]) throws {
        let result = try run("/usr/bin/openssl", arguments)
        if result.status != 0 { throw TestFailure("openssl \(arguments.first ?? "") failed: \(result.error)") }
    }
}
