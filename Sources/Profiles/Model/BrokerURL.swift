import SensorgateCore

/// An MQTT broker address: `mqtt://host[:port]` (default 1883) or `mqtts://host[:port]` (default 8883).
public struct BrokerURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: Bool

    public init(host: String, port: Int, tls: Bool) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// Parses `mqtt://host:port` / `mqtts://host:port`; nil with a reason on failure.
    public static func parse(_ text: String) -> Result<BrokerURL, BrokerURLError> {
        let scheme: String, rest: Substring
        if text.hasPrefix("mqtt://") { scheme = "mqtt"; rest = text.dropFirst(7) }
        else if text.hasPrefix("mqtts://") { scheme = "mqtts"; rest = text.dropFirst(8) }
        else { return .failure(BrokerURLError(message: "expected mqtt://host:port or mqtts://host:port, got '\(text)'")) }
        let tls = scheme == "mqtts"
        var hostPart = rest
        if let slash = hostPart.firstIndex(of: "/") {
            if hostPart[slash...] != "/" {
                return .failure(BrokerURLError(message: "a broker URL has no path, got '\(text)'"))
            }
            hostPart = hostPart[..<slash]
        }
        var host = String(hostPart)
        var port = tls ? 8883 : 1883
        if hostPart.hasPrefix("[") {
            // [IPv6]:port
            guard let close = hostPart.firstIndex(of: "]") else {
                return .failure(BrokerURLError(message: "unclosed '[' in '\(text)'"))
            }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    return .failure(BrokerURLError(message: "port must be 1...65535 in '\(text)'"))
                }
                port = p
            } else if !after.isEmpty {
                return .failure(BrokerURLError(message: "unexpected '\(after)' in '\(text)'"))
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(BrokerURLError(message: "port must be 1...65535 in '\(text)'"))
            }
            port = p
        }
        if host.isEmpty { return .failure(BrokerURLError(message: "missing host in '\(text)'")) }
        return .success(BrokerURL(host: host, port: port, tls: tls))
    }

    public var description: String { "\(tls ? "mqtts" : "mqtt")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

public struct BrokerURLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
