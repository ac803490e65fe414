import SensorgateCore
import Testing

@testable import Gateway

/// The exposition writer and the request parser on their own: label and HELP escaping,
/// numbers, and what each request head asks for.
@Suite("Metrics exposition and requests")
struct MetricsExpositionTests {
    @Test("label values escape backslash, quote and line feed; HELP escapes backslash and line feed")
    func escaping() {
        var exposition = MetricsExposition()
        exposition.family("x_total", .counter, help: "a \"quoted\" \\ help\nover two lines")
        exposition.sample("x_total", UInt64(3), labels: ["path": "C:\\dir", "say": "\"hi\"\nthere"])
        exposition.sample("x_ratio", 0.25)
        #expect(exposition.text == """
        # HELP x_total a "quoted" \\\\ help\\nover two lines
        # TYPE x_total counter
        x_total{path="C:\\\\dir",say="\\"hi\\"\\nthere"} 3
        x_ratio 0.25

        """)
        #expect(MetricsExposition.number(.nan) == "NaN")
        #expect(MetricsExposition.number(.infinity) == "+Inf")
        #expect(MetricsExposition.number(-.infinity) == "-Inf")
        #expect(MetricsExposition.escapedLabelValue("plain") == "plain")
    }

    static func request(_ text: String) -> MetricsRequest { MetricsRequest(head: Array(text.utf8)[...]) }

    @Test("requests: complete or not, method, path, malformed, too large")
    func requests() {
        #expect(Self.request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") == .metrics(head: false))
        #expect(Self.request("HEAD /metrics HTTP/1.0\r\n\r\n") == .metrics(head: true))
        #expect(Self.request("GET /metrics?x=1 HTTP/1.1\n\n") == .metrics(head: false))
        #expect(Self.request("GET /metrics HTTP/1.1\r\nHost: x\r\n") == .incomplete)
        #expect(Self.request("GET /metr") == .incomplete)
        #expect(Self.request("POST /metrics HTTP/1.1\r\n\r\n") == .methodNotAllowed)
        #expect(Self.request("GET /other HTTP/1.1\r\n\r\n") == .notFound)
        #expect(Self.request("GET /metrics\r\n\r\n") == .malformed)
        #expect(Self.request("get /metrics HTTP/1.1\r\n\r\n") == .malformed)
        #expect(Self.request("GET /metrics SPDY/3\r\n\r\n") == .malformed)
        #expect(Self.request("\r\n\r\n") == .malformed)
        let padding = String(repeating: "a", count: MetricsRequest.maximumHeadBytes)
        #expect(Self.request("GET /metrics HTTP/1.1\r\nX: " + padding) == .tooLarge)
        #expect(Self.request("GET /metrics HTTP/1.1\r\nX: " + padding + "\r\n\r\n") == .tooLarge)
    }

    @Test("every figure of a snapshot, under its name, type and labels; the outbox only when there is one")
    func snapshot() {
        var snapshot = GatewayStatistics.Snapshot(utc: 0, uptime: .milliseconds(12_345), interval: nil)
        snapshot.readings = .init(sensor: 7, edges: 11, windows: 2)
        snapshot.published = 40
        snapshot.acknowledged = 38
        snapshot.dropped = .init(bufferFull: 1, noSequenceNumber: 2, refused: 3, outboxFull: 4, outboxDisk: 5)
        snapshot.backlog = 6
        snapshot.outbox = .init(messages: 9, bytes: 900, droppedWhenFull: 4)
        snapshot.reconnects = 2
        snapshot.connectFailures = 3
        snapshot.loopLag = .init(probes: 48, p99Milliseconds: 0.25, maximumMilliseconds: 1.5)
        snapshot.sensors = [.init(id: "bme", status: "online", readings: 7, failures: 1, consecutiveFailures: 0),
                            .init(id: "probe", status: "offline", readings: 0, failures: 5, consecutiveFailures: 5)]
        let text = MetricsExposition(snapshot: snapshot, gatewayID: "gw", version: "0.1.0").text
        let lines = Set(text.split(separator: "\n").map(String.init))
        for line in ["sensorgate_info{version=\"0.1.0\",gateway=\"gw\"} 1", "sensorgate_uptime_seconds 12.345",
                     "# TYPE sensorgate_readings_total counter",
                     "sensorgate_readings_total{kind=\"sensor\"} 7", "sensorgate_readings_total{kind=\"edges\"} 11",
                     "sensorgate_readings_total{kind=\"windows\"} 2", "sensorgate_published_total 40",
                     "sensorgate_acknowledged_total 38", "sensorgate_dropped_total{cause=\"buffer_full\"} 1",
                     "sensorgate_dropped_total{cause=\"no_seq\"} 2", "sensorgate_dropped_total{cause=\"refused\"} 3",
                     "sensorgate_dropped_total{cause=\"outbox_full\"} 4", "sensorgate_dropped_total{cause=\"outbox_disk\"} 5",
                     "# TYPE sensorgate_backlog_messages gauge", "sensorgate_backlog_messages 6",
                     "sensorgate_outbox_messages 9", "sensorgate_outbox_bytes 900", "sensorgate_reconnects_total 2",
                     "sensorgate_connect_failures_total 3", "sensorgate_loop_lag_probes_total 48",
                     "sensorgate_loop_lag_p99_seconds 0.00025", "sensorgate_loop_lag_max_seconds 0.0015",
                     "sensorgate_sensor_readings_total{sensor=\"bme\"} 7", "sensorgate_sensor_failures_total{sensor=\"probe\"} 5",
                     "sensorgate_sensor_consecutive_failures{sensor=\"probe\"} 5",
                     "sensorgate_sensor_online{sensor=\"bme\"} 1", "sensorgate_sensor_online{sensor=\"probe\"} 0"] {
            #expect(lines.contains(line), "missing \(line) in\n\(text)")
        }
        snapshot.outbox = nil
        snapshot.loopLag = .init(probes: 0)
        let without = MetricsExposition(snapshot: snapshot, gatewayID: "gw", version: nil).text
        #expect(!without.contains("sensorgate_outbox_"), "\(without)")
        #expect(!without.contains("sensorgate_loop_lag_p99_seconds 0"), "\(without)")
        #expect(without.contains("sensorgate_info{version=\"unknown\",gateway=\"gw\"} 1"), "\(without)")
    }
}
