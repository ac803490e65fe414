#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// `metrics.listen` on the real binary (`--simulate`) with a real mosquitto: `/metrics`
/// read over TCP and parsed by Prometheus's Python client; counters that grow between
/// scrapes; 404, 405, 400 and 431; and clients that send nothing, too much or too many
/// connections, none of which keeps a scrape from being answered.
@Suite("Metrics for Prometheus (real binary, real mosquitto)", .serialized)
struct MetricsIntegrationTests {
    /// A simulated input and two simulated sensors, one of which never answers.
    static func startGateway(statsInterval: String = "1s") throws -> (GatewayProcess, port: Int, id: String) {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("metrics")
        let port = try MetricsClient.unusedPort()
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        mqtt:
          stats: { interval: \(statsInterval) }
        metrics:
          listen: 127.0.0.1:\(port)
        inputs:
          - id: door
            gpio: { line: 17 }
        sensors:
          - id: probe
            driver: lm75
            i2c: { bus: 1 }
            interval: 200ms
          - id: flaky
            driver: lm75
            i2c: { bus: 1, address: 0x49 }
            interval: 200ms
            offline_after: 2
        simulation:
          door: { square: { period: 400ms } }
          probe:
            temperature: { sine: { mean: 21, amplitude: 1, period: 10s } }
          flaky:
            temperature: { constant: 20 }
            fail: { from: 0s, for: 1h }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        #expect(gateway.waitForLog(timeout: 20) { $0.contains("metrics for Prometheus on http://127.0.0.1:\(port)/metrics") },
                "\(gateway.log)")
        return (gateway, port, id)
    }

    static func value(_ families: [String: MetricsExpositionParser.Family], _ family: String, _ sample: String,
                      _ labels: [String: String] = [:]) -> Double? {
        families[family]?.samples.first { $0.name == sample && $0.labels == labels }?.value
    }

    static func scrape(port: Int) throws -> [String: MetricsExpositionParser.Family] {
        let response = try MetricsClient.request("GET", "/metrics", port: port)
        guard response.status == 200 else { throw TestFailure("GET /metrics: \(response.raw)") }
        return try MetricsExpositionParser.parse(response.body)
    }

    @Test("GET /metrics parses with prometheus_client; counters grow between scrapes; HEAD, 404, 405, 400",
          .enabled(if: MetricsExpositionParser.available, "python3-prometheus-client is not installed"))
    func scrapes() throws {
        let (gateway, port, id) = try Self.startGateway()
        defer { _ = gateway.stop() }

        let first = try MetricsClient.request("GET", "/metrics", port: port)
        #expect(first.status == 200, "\(first.raw)")
        #expect(first.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8", "\(first.headers)")
        #expect(first.headers["connection"] == "close", "\(first.headers)")
        #expect(first.headers["content-length"] == String(first.body.utf8.count), "\(first.headers)")
        let before = try MetricsExpositionParser.parse(first.body)

        // The families and their types, as the format's conventions name them.
        let expected: [(String, String)] = [
            ("sensorgate_info", "gauge"), ("sensorgate_uptime_seconds", "gauge"), ("sensorgate_readings", "counter"),
            ("sensorgate_published", "counter"), ("sensorgate_acknowledged", "counter"), ("sensorgate_dropped", "counter"),
            ("sensorgate_backlog_messages", "gauge"), ("sensorgate_reconnects", "counter"),
            ("sensorgate_connect_failures", "counter"), ("sensorgate_loop_lag_probes", "counter"),
            ("sensorgate_loop_lag_p99_seconds", "gauge"), ("sensorgate_loop_lag_max_seconds", "gauge"),
            ("sensorgate_sensor_readings", "counter"), ("sensorgate_sensor_failures", "counter"),
            ("sensorgate_sensor_consecutive_failures", "gauge"), ("sensorgate_sensor_online", "gauge"),
        ]
        for (name, type) in expected {
            #expect(before[name]?.type == type, "\(name): \(before[name].map { "\($0.type)" } ?? "missing")\n\(first.body)")
            #expect(before[name]?.help.isEmpty == false, "\(name) has no HELP")
        }
        let info = try #require(before["sensorgate_info"]?.samples.first, "\(first.body)")
        #expect(info.labels["gateway"] == id && info.labels["version"]?.isEmpty == false && info.value == 1, "\(info)")
        let causes = Set(before["sensorgate_dropped"]?.samples.compactMap { $0.labels["cause"] } ?? [])
        #expect(causes == ["buffer_full", "no_seq", "refused", "outbox_full", "outbox_disk"], "\(causes)")
        let kinds = Set(before["sensorgate_readings"]?.samples.compactMap { $0.labels["kind"] } ?? [])
        #expect(kinds == ["sensor", "edges", "windows"], "\(kinds)")
        // Without a durable outbox there is no outbox depth to show.
        #expect(before["sensorgate_outbox_messages"] == nil)

        // Later scrapes: everything counted since the first has grown, and the failing
        // sensor is offline with its failures counted while the good one is online.
        var after = before
        let grew = gateway.waitForLog(timeout: 20) { _ in
            guard let families = try? Self.scrape(port: port) else { return false }
            after = families
            func grown(_ family: String, _ sample: String, _ labels: [String: String] = [:]) -> Bool {
                (Self.value(families, family, sample, labels) ?? 0) > (Self.value(before, family, sample, labels) ?? .infinity)
            }
            return grown("sensorgate_published", "sensorgate_published_total")
                && grown("sensorgate_acknowledged", "sensorgate_acknowledged_total")
                && grown("sensorgate_readings", "sensorgate_readings_total", ["kind": "sensor"])
                && grown("sensorgate_readings", "sensorgate_readings_total", ["kind": "edges"])
                && grown("sensorgate_uptime_seconds", "sensorgate_uptime_seconds")
                && grown("sensorgate_loop_lag_probes", "sensorgate_loop_lag_probes_total")
                && grown("sensorgate_sensor_failures", "sensorgate_sensor_failures_total", ["sensor": "flaky"])
                && Self.value(families, "sensorgate_sensor_online", "sensorgate_sensor_online", ["sensor": "probe"]) == 1
                && Self.value(families, "sensorgate_sensor_online", "sensorgate_sensor_online", ["sensor": "flaky"]) == 0
                && (Self.value(families, "sensorgate_sensor_consecutive_failures", "sensorgate_sensor_consecutive_failures",
                               ["sensor": "flaky"]) ?? 0) >= 2
        }
        #expect(grew, "before:\n\(before)\nafter:\n\(after)\n\(gateway.log)")
        #expect(Self.value(after, "sensorgate_dropped", "sensorgate_dropped_total", ["cause": "buffer_full"]) == 0)
        let p99 = Self.value(after, "sensorgate_loop_lag_p99_seconds", "sensorgate_loop_lag_p99_seconds")
        let maximum = Self.value(after, "sensorgate_loop_lag_max_seconds", "sensorgate_loop_lag_max_seconds")
        #expect(p99 != nil && maximum != nil && p99! <= maximum! && maximum! < 60, "p99 \(String(describing: p99)), max \(String(describing: maximum))")

        // HEAD: the same head, no body. A query string is ignored.
        let head = try MetricsClient.request("HEAD", "/metrics", port: port)
        #expect(head.status == 200 && head.body.isEmpty && Int(head.headers["content-length"] ?? "0") ?? 0 > 1_000, "\(head.raw)")
        #expect(try MetricsClient.request("GET", "/metrics?format=text", port: port).status == 200)

        let post = try MetricsClient.request("POST", "/metrics", port: port)
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD", "\(post.raw)")
        #expect(try MetricsClient.request("DELETE", "/metrics", port: port).status == 405)
        #expect(try MetricsClient.request("GET", "/", port: port).status == 404)
        #expect(try MetricsClient.request("GET", "/metrics/extra", port: port).status == 404)
        let garbage = try MetricsClient(port: port)
        garbage.send(Array("hello there\r\n\r\n".utf8))
        #expect(MetricsResponseText(try garbage.readToEnd()).status == 400)

        #expect(gateway.isRunning, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("a silent client, an oversized head and a crowd of idle connections never keep a scrape from its answer")
    func hostileClients() throws {
        let (gateway, port, _) = try Self.startGateway()
        defer { _ = gateway.stop() }

        // Connected and silent: a scrape meanwhile is answered at once...
        let silent = try MetricsClient(port: port, timeout: 30)
        let whileSilent = try MetricsClient.request("GET", "/metrics", port: port)
        #expect(whileSilent.status == 200, "\(whileSilent.raw)")
        #expect(whileSilent.body.contains("sensorgate_published_total "), "\(whileSilent.raw)")
        // ...and the silent one is closed, unanswered, at the read timeout (5 s).
        let started = Date()
        #expect(try silent.readToEnd().isEmpty)
        #expect(Date().timeIntervalSince(started) < 25)

        // A head over 8 KiB without its end: refused with 431, the connection closed.
        let oversized = try MetricsClient(port: port)
        oversized.send(Array(("GET /metrics HTTP/1.1\r\nX-Padding: " + String(repeating: "a", count: 9_000)).utf8))
        let refused = MetricsResponseText(try oversized.readToEnd())
        #expect(refused.status == 431, "\(refused.raw)")
        // A complete head that is too large is refused too.
        let complete = try MetricsClient(port: port)
        complete.send(Array(("GET /metrics HTTP/1.1\r\nX-Padding: " + String(repeating: "b", count: 9_000) + "\r\n\r\n").utf8))
        #expect(MetricsResponseText(try complete.readToEnd()).status == 431)

        // More idle connections than the listener keeps: the oldest are closed to make
        // room, and a scrape is still answered.
        let crowd = try (0..<6).map { _ in try MetricsClient(port: port, timeout: 30) }
        let amidCrowd = try MetricsClient.request("GET", "/metrics", port: port)
        #expect(amidCrowd.status == 200, "\(amidCrowd.raw)")
        #expect(try crowd[0].readToEnd().isEmpty, "the oldest idle connection is closed")

        // A request sent one byte at a time is still a request.
        let trickle = try MetricsClient(port: port)
        for byte in Array("GET /metrics HTTP/1.0\r\n\r\n".utf8) {
            trickle.send([byte])
            usleep(10_000)
        }
        #expect(MetricsResponseText(try trickle.readToEnd()).status == 200)

        #expect(gateway.isRunning, "\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("without periodic statistics the listener still shows the loop's lag")
    func withoutStatsInterval() throws {
        let (gateway, port, _) = try Self.startGateway(statsInterval: "off")
        defer { _ = gateway.stop() }
        var probes = 0.0
        let probed = gateway.waitForLog(timeout: 15) { _ in
            let families = try? Self.scrapeText(port: port)
            probes = families.flatMap(Self.probeCount) ?? 0
            return probes >= 2
        }
        #expect(probed, "\(probes) probes\n\(gateway.log)")
        #expect(gateway.stop() == 0, "\(gateway.log)")
    }

    @Test("a port already in use stops the start with the address and the reason")
    func portInUse() throws {
        let holder = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(holder) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(holder, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && Glibc.listen(holder, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(holder, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let directory = TestEnvironment.temporaryDirectory()
        let profile = directory.appendingPathComponent("busy.yaml")
        try "gateway:\n  id: busy\nmetrics: { listen: 127.0.0.1:\(port) }\ninputs:\n  - id: door\n    gpio: { line: 17 }\n"
            .write(to: profile, atomically: true, encoding: .utf8)
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"))
        let status = gateway.waitForExit(timeout: 20)
        #expect(status != nil && status != 0, "\(gateway.log)")
        #expect(gateway.log.contains("metrics.listen 127.0.0.1:\(port): cannot listen: Address already in use"), "\(gateway.log)")
    }

    /// The body of `/metrics` without the Python parser (this test needs only one figure).
    static func scrapeText(port: Int) throws -> String {
        let response = try MetricsClient.request("GET", "/metrics", port: port)
        guard response.status == 200 else { throw TestFailure("GET /metrics: \(response.raw)") }
        return response.body
    }

    static func probeCount(_ body: String) -> Double? {
        body.split(separator: "\n").first { $0.hasPrefix("sensorgate_loop_lag_probes_total ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}
