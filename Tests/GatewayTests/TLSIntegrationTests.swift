import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `mqtts://` against a real mosquitto with throwaway certificates (``TLSBroker``): the
/// right CA connects; a wrong CA, a wrong host name and a plain listener are rejected at
/// once with a sentence that says which; `insecure: true` connects and warns.
@Suite("TLS (real binary, mosquitto with openssl-made certificates)", .serialized)
struct TLSIntegrationTests {
    /// Under the 10 s connect timeout: a reason that arrives before it came from the
    /// handshake, not from waiting.
    static let promptly: TimeInterval = 8

    private func profile(_ id: String, mqtt: String, in directory: URL) throws -> URL {
        let file = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        mqtt:
        \(mqtt)
        sensors:
          - id: power
            driver: ina219
            i2c: { bus: 1, address: 0x40 }
            interval: 1s
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    private func start(_ profile: URL, in directory: URL, extra: [String] = []) throws -> GatewayProcess {
        try GatewayProcess(["run", "--profile", profile.path, "--state-dir", directory.appendingPathComponent("state").path,
                            "--simulate"] + extra)
    }


    @Test("the right CA: connected over TLS, status online, no warning")
    func rightCA() throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("tls-ok")
        let file = try profile(id, mqtt: """
          broker: mqtts://127.0.0.1:\(broker.port)
          tls: { ca_file: \(broker.caFile) }
        """, in: directory)
        let gateway = try start(file, in: directory)
        defer { _ = gateway.stop() }
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("connected to mqtts://127.0.0.1:\(broker.port)") }, "\(gateway.log)")
        #expect(try broker.retained("sensorgate/\(id)/status") == "online")
        #expect(!gateway.log.contains("TLS verification is off"))
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("a CA that did not sign the broker's certificate: rejected at once, the CA file named")
    func wrongCA() throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let file = try profile(TestEnvironment.uniqueID("tls-ca"), mqtt: """
          broker: mqtts://127.0.0.1:\(broker.port)
          tls: { ca_file: \(broker.otherCAFile) }
        """, in: directory)
        let gateway = try start(file, in: directory)
        defer { _ = gateway.stop() }
        let expected = "unreachable (TLS: the broker's certificate was not accepted: it is not signed by the CA in mqtt.tls.ca_file '\(broker.otherCAFile)'"
        #expect(gateway.waitForLog(timeout: Self.promptly) { $0.contains(expected) }, "\(gateway.log)")
        print("TLS wrong CA: \(gateway.log.split(separator: "\n").first { $0.contains("unreachable") } ?? "")")
        #expect(gateway.log.contains("certificate verify failed"))
        #expect(!gateway.log.contains("connected to"), "\(gateway.log)")
        #expect(gateway.isRunning, "a TLS failure is retried like any other")
    }

    @Test("a host name the certificate does not list: rejected at once, saying so")
    func wrongHostName() throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let file = try profile(TestEnvironment.uniqueID("tls-host"), mqtt: """
          broker: mqtts://127.0.0.2:\(broker.port)
          tls: { ca_file: \(broker.caFile) }
        """, in: directory)
        let gateway = try start(file, in: directory)
        defer { _ = gateway.stop() }
        let expected = "unreachable (TLS: the broker's certificate is not issued for '127.0.0.2': host name verification failed"
        #expect(gateway.waitForLog(timeout: Self.promptly) { $0.contains(expected) }, "\(gateway.log)")
        print("TLS wrong host: \(gateway.log.split(separator: "\n").first { $0.contains("unreachable") } ?? "")")
        #expect(!gateway.log.contains("connected to"), "\(gateway.log)")
    }

    @Test("insecure: true connects despite a wrong CA and host name, and warns at every connection")
    func insecure() throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("tls-insecure")
        let file = try profile(id, mqtt: """
          broker: mqtts://127.0.0.2:\(broker.port)
          tls: { ca_file: \(broker.otherCAFile), insecure: true }
        """, in: directory)
        let gateway = try start(file, in: directory)
        defer { _ = gateway.stop() }
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("connected to mqtts://127.0.0.2:\(broker.port)") }, "\(gateway.log)")
        let warnings = gateway.log.split(separator: "\n").filter {
            $0.contains("warning") && $0.contains("TLS verification is off (mqtt.tls.insecure: true)")
        }
        #expect(warnings.count == 1, "one warning per connection attempt:\n\(gateway.log)")
        print("TLS insecure: \(warnings.first ?? "")")
        #expect(try broker.retained("sensorgate/\(id)/status") == "online")
    }

    @Test("a broker that wants a client certificate: refused without one, saying so; connected with cert_file and key_file")
    func clientCertificate() throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let without = try profile(TestEnvironment.uniqueID("tls-nocert"), mqtt: """
          broker: mqtts://127.0.0.1:\(broker.clientCertificatePort)
          tls: { ca_file: \(broker.caFile) }
        """, in: directory)
        let refused = try start(without, in: directory)
        defer { _ = refused.stop() }
        #expect(refused.waitForLog(timeout: Self.promptly) { $0.contains("TLS: the broker requires a client certificate: set mqtt.tls.cert_file and key_file") },
                "\(refused.log)")
        print("TLS no client certificate: \(refused.log.split(separator: "\n").first { $0.contains("TLS:") } ?? "")")
        #expect(!refused.log.contains("connected to"))
        _ = refused.stop()

        let id = TestEnvironment.uniqueID("tls-cert")
        let with = try profile(id, mqtt: """
          broker: mqtts://127.0.0.1:\(broker.clientCertificatePort)
          tls: { ca_file: \(broker.caFile), cert_file: \(broker.clientCertificate), key_file: \(broker.clientKey) }
        """, in: directory)
        let gateway = try start(with, in: directory)
        defer { _ = gateway.stop() }
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("connected to mqtts://127.0.0.1:\(broker.clientCertificatePort)") },
                "\(gateway.log)")
        #expect(try broker.retained("sensorgate/\(id)/status") == "online")
    }

    @Test("files OpenSSL cannot use: the one at fault is named", arguments: ["ca", "key"])
    func unusableFiles(_ fault: String) throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let notPEM = directory.appendingPathComponent("not-pem.pem").path
        try "not a certificate\n".write(toFile: notPEM, atomically: true, encoding: .utf8)
        // The server's key is a good key, but not the client certificate's.
        let tls = fault == "ca"
            ? "ca_file: \(notPEM)"
            : "ca_file: \(broker.caFile), cert_file: \(broker.clientCertificate), key_file: \(broker.certificates.serverKey)"
        let file = try profile(TestEnvironment.uniqueID("tls-files"), mqtt: """
          broker: mqtts://127.0.0.1:\(broker.clientCertificatePort)
          tls: { \(tls) }
        """, in: directory)
        let gateway = try start(file, in: directory)
        defer { _ = gateway.stop() }
        let expected = fault == "ca"
            ? "TLS: cannot use the CA file '\(notPEM)' (mqtt.tls.ca_file): it must hold PEM certificates"
            : "TLS: the client key '\(broker.certificates.serverKey)' does not belong to the client certificate '\(broker.clientCertificate)'"
        #expect(gateway.waitForLog(timeout: Self.promptly) { $0.contains(expected) }, "\(gateway.log)")
        print("TLS unusable \(fault): \(gateway.log.split(separator: "\n").first { $0.contains("TLS:") } ?? "")")
    }

    @Test("mqtts:// against a plain MQTT listener: rejected at once, not after the CONNACK timeout")
    func plainListener() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let file = try profile(TestEnvironment.uniqueID("tls-plain"), mqtt: """
          broker: mqtts://127.0.0.1:\(TestEnvironment.brokerPort)
        """, in: directory)
        let gateway = try start(file, in: directory)
        defer { _ = gateway.stop() }
        #expect(gateway.waitForLog(timeout: Self.promptly) { $0.contains("is the port a plain mqtt:// listener?") }, "\(gateway.log)")
        print("TLS plain listener: \(gateway.log.split(separator: "\n").first { $0.contains("unreachable") } ?? "")")
        #expect(!gateway.log.contains("no CONNACK"), "\(gateway.log)")
    }

    @Test("--broker mqtt://... on a profile with mqtt.tls is an error, never a silent switch")
    func plainOverrideRefused() throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let file = try profile(TestEnvironment.uniqueID("tls-override"), mqtt: """
          broker: mqtts://127.0.0.1:\(broker.port)
          tls: { ca_file: \(broker.caFile) }
        """, in: directory)
        let gateway = try start(file, in: directory, extra: ["--broker", "mqtt://127.0.0.1:\(TestEnvironment.brokerPort)"])
        #expect(gateway.waitForExit(timeout: 10) == 2, "\(gateway.log)")
        #expect(gateway.log.contains("--broker mqtt://127.0.0.1:\(TestEnvironment.brokerPort) is a plain mqtt:// broker, but the profile's mqtt.tls asks for TLS"),
                "\(gateway.log)")
        #expect(!gateway.log.contains("connected to"))
    }

    @Test("a missing CA file stops run and validate with FILE:LINE:COLUMN and the file's name")
    func missingCAFile() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let missing = directory.appendingPathComponent("no-such-ca.pem").path
        let file = try profile(TestEnvironment.uniqueID("tls-missing"), mqtt: """
          broker: mqtts://127.0.0.1:8883
          tls: { ca_file: \(missing) }
        """, in: directory)
        let expected = "\(file.path):5:19: error: mqtt.tls.ca_file: cannot read the CA file '\(missing)': No such file or directory"
        let validate = try run(TestEnvironment.binary, ["validate", file.path])
        #expect(validate.status == 1)
        #expect(validate.error.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(validate.error)")
        let gateway = try start(file, in: directory)
        #expect(gateway.waitForExit(timeout: 10) == 1, "\(gateway.log)")
        #expect(gateway.log.contains(expected), "\(gateway.log)")
        #expect(!gateway.log.contains("Invalid function arguments"))
    }

    @Test("the password from password_env or password_file is in no log line and not in /proc/PID/cmdline")
    func secretsNeverShown() throws {
        let broker = try TLSBroker()
        let directory = TestEnvironment.temporaryDirectory()
        let secret = "s3cret-\(UUID().uuidString.prefix(8))"
        let passwordFile = directory.appendingPathComponent("mqtt.pass")
        try "\(secret)-file\n".write(to: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile.path, 0o600)
        for (index, source) in ["password_env: SENSORGATE_TEST_MQTT_PASSWORD", "password_file: \(passwordFile.path)"].enumerated() {
            let id = TestEnvironment.uniqueID("tls-secret-\(index)")
            let file = try profile(id, mqtt: """
              broker: mqtts://127.0.0.1:\(broker.port)
              username: gateway
              \(source)
              tls: { ca_file: \(broker.caFile) }
            """, in: directory)
            var environment = ProcessInfo.processInfo.environment
            environment["SENSORGATE_TEST_MQTT_PASSWORD"] = "\(secret)-env"
            let gateway = try ChildProcess(TestEnvironment.binary, [
                "run", "--profile", file.path, "--state-dir", directory.appendingPathComponent("state").path,
                "--simulate", "--log-level", "trace",
            ], environment: environment)
            defer { gateway.stop(grace: 5) }
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline, !gateway.errorOutput.contains("connected to") { usleep(50_000) }
            #expect(gateway.errorOutput.contains("connected to mqtts://127.0.0.1:\(broker.port)"), "\(gateway.errorOutput)")
            let cmdline = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(gateway.pid)/cmdline"))
            #expect(!cmdline.isEmpty)
            #expect(cmdline.range(of: Data(secret.utf8)) == nil, "the password is in /proc/PID/cmdline")
            gateway.stop(grace: 5)
            usleep(100_000)
            #expect(!gateway.errorOutput.contains(secret), "the password is in the log:\n\(gateway.errorOutput)")
        }
    }
}
