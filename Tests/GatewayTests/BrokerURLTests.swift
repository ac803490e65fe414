import Profiles
import Testing

@Suite("Broker URL")
struct BrokerURLTests {
    @Test("host, port and scheme", arguments: [
        ("mqtt://127.0.0.1:1883", BrokerURL(host: "127.0.0.1", port: 1883, tls: false)),
        ("mqtt://broker.local", BrokerURL(host: "broker.local", port: 1883, tls: false)),
        ("mqtts://broker.local", BrokerURL(host: "broker.local", port: 8883, tls: true)),
        ("mqtt://[::1]:1884/", BrokerURL(host: "::1", port: 1884, tls: false)),
    ])
    func parses(text: String, expected: BrokerURL) throws {
        #expect(try BrokerURL.parse(text).get() == expected)
    }

    @Test("user info is refused, pointing at username and password_file, and none of it is repeated", arguments: [
        "mqtt://alice:s3cr3t-pw@broker.local:1883", "mqtts://alice:s3cr3t-pw@broker.local", "mqtt://s3cr3t-pw@broker.local",
        "http://alice:s3cr3t-pw@broker.local", "alice:s3cr3t-pw@broker.local:1883", "mqtt://alice:s3cr3t-pw@[::1]:1883/path",
    ])
    func userInfo(text: String) {
        guard case .failure(let error) = BrokerURL.parse(text) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(error.message.contains("mqtt.username") && error.message.contains("mqtt.password_file"), "\(error)")
        #expect(!error.message.contains("s3cr3t"), "\(error)")
        #expect(!error.message.contains("alice"), "\(error)")
        #expect(!error.message.contains("broker.local"), "\(error)")
    }

    @Test("other mistakes are refused with the text quoted escaped", arguments: [
        ("mqtt://broker.local:0", "port must be 1...65535"),
        ("tcp://broker.local", "expected mqtt://host:port"),
        ("mqtt://broker.local/topic", "no path"),
        ("mqtt://", "missing host"),
        ("mqtt://bro ker:1883", "blanks or control characters"),
        ("mqtt://broker\nforged line:1883", "blanks or control characters"),
    ])
    func refused(text: String, reason: String) {
        guard case .failure(let error) = BrokerURL.parse(text) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(error.message.contains(reason), "\(error)")
        #expect(!error.message.contains("\n"), "\(error)")
    }
}
