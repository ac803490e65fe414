/// The bytes of one HTTP/1.1 response of the metrics listener: a status line, the
/// length and type of the body, `Connection: close` (one request per connection keeps
/// the listener's state to one buffer each), then the body unless it answers `HEAD`.
enum MetricsResponse {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func bytes(for request: MetricsRequest, exposition: () -> [UInt8]) -> [UInt8] {
        switch request {
        case .metrics(let head):
            let body = exposition()
            return make(status: "200 OK", contentType: contentType, body: body, sendBody: !head)
        case .malformed:
            return make(status: "400 Bad Request", body: Array("expected GET /metrics HTTP/1.1\n".utf8))
        case .notFound:
            return make(status: "404 Not Found", body: Array("only /metrics is served here\n".utf8))
        case .methodNotAllowed:
            return make(status: "405 Method Not Allowed", body: Array("only GET and HEAD are allowed\n".utf8),
                        extra: "Allow: GET, HEAD\r\n")
        case .tooLarge:
            return make(status: "431 Request Header Fields Too Large",
                        body: Array("the request head is over \(MetricsRequest.maximumHeadBytes) bytes\n".utf8))
        case .incomplete:
            return []
        }
    }

    private static func make(status: String, contentType: String = "text/plain; charset=utf-8", body: [UInt8],
                             sendBody: Bool = true, extra: String = "") -> [UInt8] {
        let head = "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
            + extra + "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if sendBody { bytes += body }
        return bytes
    }
}
