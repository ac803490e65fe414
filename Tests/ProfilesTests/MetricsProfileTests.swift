import Profiles
import Testing

/// `metrics:`: off when absent, 127.0.0.1:9464 by default, an IPv4 or bracketed IPv6
/// listen address, loopback unless `allow_remote: true`.
@Suite("Metrics profile key")
struct MetricsProfileTests {
    static func text(_ metrics: String) -> String {
        "gateway:\n  id: gw\n" + metrics + "\ninputs:\n  - id: door\n    gpio: { line: 17 }\n"
    }

    static func messages(_ metrics: String) -> [String] {
        do {
            _ = try ProfileLoader.load(text: text(metrics), path: "m.yaml")
            return []
        } catch {
            switch error {
            case .invalid(let diagnostics): return diagnostics.map(\.description)
            case .unreadable(_, let reason): return [reason]
            }
        }
    }

    @Test("absent: no listener; an empty section: 127.0.0.1:9464, loopback only")
    func defaults() throws {
        let plain = try ProfileLoader.load(text: "gateway:\n  id: gw\n", path: "m.yaml")
        #expect(plain.metrics == nil)
        let empty = try ProfileLoader.load(text: Self.text("metrics: {}"), path: "m.yaml")
        #expect(empty.metrics == MetricsSettings(host: "127.0.0.1", family: .ipv4, port: 9464, allowRemote: false))
        #expect(empty.metrics?.listenDescription == "127.0.0.1:9464")
    }

    @Test("IPv4 and IPv6 loopback addresses decode; allow_remote opens the others")
    func addresses() throws {
        let v4 = try ProfileLoader.load(text: Self.text("metrics: { listen: 127.0.0.2:9100 }"), path: "m.yaml")
        #expect(v4.metrics == MetricsSettings(host: "127.0.0.2", family: .ipv4, port: 9100))
        let v6 = try ProfileLoader.load(text: Self.text("metrics:\n  listen: \"[::1]:9464\""), path: "m.yaml")
        #expect(v6.metrics == MetricsSettings(host: "::1", family: .ipv6, port: 9464))
        #expect(v6.metrics?.listenDescription == "[::1]:9464")
        let any = try ProfileLoader.load(text: Self.text("metrics: { listen: 0.0.0.0:9464, allow_remote: true }"), path: "m.yaml")
        #expect(any.metrics == MetricsSettings(host: "0.0.0.0", family: .ipv4, port: 9464, allowRemote: true))
        let lan = try ProfileLoader.load(text: Self.text("metrics:\n  listen: \"[fd00::5]:9464\"\n  allow_remote: true"),
                                         path: "m.yaml")
        #expect(lan.metrics == MetricsSettings(host: "fd00::5", family: .ipv6, port: 9464, allowRemote: true))
    }

    @Test("a non-loopback address without allow_remote is a located error that says why and what to write")
    func remoteRefused() {
        let any = Self.messages("metrics: { listen: 0.0.0.0:9464 }")
        #expect(any.count == 1 && any[0].hasPrefix("m.yaml:3:20: error: metrics.listen: 0.0.0.0:9464 is not a loopback address"),
                "\(any)")
        #expect(any.first?.contains("write allow_remote: true") == true, "\(any)")
        let lan = Self.messages("metrics: { listen: 192.168.1.20:9464, allow_remote: false }")
        #expect(lan.count == 1 && lan[0].contains("192.168.1.20:9464 is not a loopback address"), "\(lan)")
        let v6 = Self.messages("metrics:\n  listen: \"[::]:9464\"")
        #expect(v6.count == 1 && v6[0].contains("[::]:9464 is not a loopback address"), "\(v6)")
    }

    @Test("malformed addresses and ports, a bad allow_remote and unknown keys are located errors")
    func errors() {
        for bad in ["localhost:9464", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:http", "256.0.0.1:80",
                    "\"::1:9464\"", "\"[::1]\"", "\"[::1]9464\"", "\"[127.0.0.1]:9464\"", "127.0.0.1:-1", "9464"] {
            let found = Self.messages("metrics: { listen: \(bad) }")
            #expect(found.count == 1 && found[0].contains("metrics.listen: expected an address and port such as 127.0.0.1:9464"),
                    "\(bad): \(found)")
        }
        let flag = Self.messages("metrics: { allow_remote: maybe }")
        #expect(flag.count == 1 && flag[0].contains("metrics.allow_remote: expected true or false"), "\(flag)")
        let typo = Self.messages("metrics: { lisen: 127.0.0.1:9464 }")
        #expect(typo.count == 1 && typo[0].contains("unknown key 'lisen' (did you mean 'listen'?)"), "\(typo)")
        let scalar = Self.messages("metrics: 127.0.0.1:9464")
        #expect(scalar.count == 1 && scalar[0].contains("metrics: expected a mapping"), "\(scalar)")
        let misspelt = Self.messages("metric: { listen: 127.0.0.1:9464 }")
        #expect(misspelt.count == 1 && misspelt[0].contains("(did you mean 'metrics'?)"), "\(misspelt)")
    }
}
