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
}
