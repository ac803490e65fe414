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

    /// What a URL with user info is told, without repeating any of it: the password
    /// would otherwise reach the terminal, the logs and the process list.
    public static let userInfoRefusal = "a broker URL cannot carry a user name or password: "
        + "put the user name in mqtt.username and the password in a file named by mqtt.password_file "
        + "or in an environment variable named by mqtt.password_env"

    /// Parses `mqtt://host:port` / `mqtts://host:port`; the reason on failure.
    ///
    /// Refused: user info (`user:password@`), a path, a port outside 1...65535, and
    /// blanks or control characters in the host. Error messages quote the text escaped
    /// and shortened (``LogText``), and never quote a URL that has an `@` in it.
    public static func parse(_ text: String) -> Result<BrokerURL, BrokerURLError> {
        // Checked before anything else, so no later message can echo the password.
        if text.contains("@") { return .failure(BrokerURLError(message: userInfoRefusal)) }
        let shown = LogText.escaped(text)
        let scheme: String, rest: Substring
        if text.hasPrefix("mqtt://") { scheme = "mqtt"; rest = text.dropFirst(7) }
        else if text.hasPrefix("mqtts://") { scheme = "mqtts"; rest = text.dropFirst(8) }
        else { return .failure(BrokerURLError(message: "expected mqtt://host:port or mqtts://host:port, got '\(shown)'")) }
        let tls = scheme == "mqtts"
        var hostPart = rest
        if let slash = hostPart.firstIndex(of: "/") {
            if hostPart[slash...] != "/" {
                return .failure(BrokerURLError(message: "a broker URL has no path, got '\(shown)'"))
            }
            hostPart = hostPart[..<slash]
        }
        var host = String(hostPart)
        var port = tls ? 8883 : 1883
        if hostPart.hasPrefix("[") {
            // [IPv6]:port
            guard let close = hostPart.firstIndex(of: "]") else {
                return .failure(BrokerURLError(message: "unclosed '[' in '\(shown)'"))
            }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    return .failure(BrokerURLError(message: "port must be 1...65535 in '\(shown)'"))
                }
                port = p
            } else if !after.isEmpty {
                return .failure(BrokerURLError(message: "unexpected '\(LogText.escaped(after))' in '\(shown)'"))
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(BrokerURLError(message: "port must be 1...65535 in '\(shown)'"))
            }
            port = p
        }
        if host.isEmpty { return .failure(BrokerURLError(message: "missing host in '\(shown)'")) }
        // A host name never has blanks or control characters; refusing them keeps the
        // broker's name, which every connection log line repeats, a single safe word.
        if host.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) {
            return .failure(BrokerURLError(message: "the host must not contain blanks or control characters, got '\(shown)'"))
        }
        return .success(BrokerURL(host: host, port: port, tls: tls))
    }

    public var description: String { "\(tls ? "mqtts" : "mqtt")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

public struct BrokerURLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
