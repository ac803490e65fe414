#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `metrics:`: `listen` (an IPv4 or bracketed IPv6 literal and a port, loopback unless
/// `allow_remote: true`).
extension ProfileDecoder {
    static let metricsKeys = ["listen", "allow_remote"]

    static let listenExample = "an address and port such as 127.0.0.1:9464 or \"[::1]:9464\""

    func decodeMetrics(_ field: Field) -> MetricsSettings? {
        guard let metrics = validator.mapping(field, keys: Self.metricsKeys) else { return nil }
        let allowRemote = metrics.optional("allow_remote").flatMap(validator.bool)
        if metrics.contains("allow_remote"), allowRemote == nil { return nil }
        var settings = MetricsSettings(allowRemote: allowRemote ?? false)
        guard let listenField = metrics.optional("listen") else { return settings }
        guard let text = listenField.node.scalarText, !listenField.node.isNull,
              let (host, family, port) = Self.listenAddress(text) else {
            validator.expected(Self.listenExample, listenField)
            return nil
        }
        settings.host = host
        settings.family = family
        settings.port = port
        if !settings.allowRemote, !Self.isLoopback(host, family) {
            validator.report(at: listenField.location, listenField.path,
                             "\(settings.listenDescription) is not a loopback address: the metrics would be "
                             + "reachable from the network; write allow_remote: true beside it if that is meant, "
                             + "or listen on 127.0.0.1 or [::1]")
            return nil
        }
        return settings
    }

    /// `HOST:PORT` with an IPv4 literal, or `[HOST]:PORT` with an IPv6 literal.
    static func listenAddress(_ text: String) -> (host: String, family: MetricsSettings.Family, port: Int)? {
        let host: String, family: MetricsSettings.Family, portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
            family = .ipv6
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            family = .ipv4
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (1...65_535).contains(port),
              addressBytes(host, family) != nil else { return nil }
        return (host, family, port)
    }

    /// The address in network order, or nil when `host` is no literal of `family`.
    static func addressBytes(_ host: String, _ family: MetricsSettings.Family) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: family == .ipv4 ? 4 : 16)
        guard !host.isEmpty, !host.contains("%") else { return nil }
        let parsed = bytes.withUnsafeMutableBytes { buffer in
            inet_pton(family == .ipv4 ? AF_INET : AF_INET6, host, buffer.baseAddress)
        }
        return parsed == 1 ? bytes : nil
    }

    /// 127.0.0.0/8 or ::1.
    static func isLoopback(_ host: String, _ family: MetricsSettings.Family) -> Bool {
        guard let bytes = addressBytes(host, family) else { return false }
        switch family {
        case .ipv4: return bytes[0] == 127
        case .ipv6: return bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
        }
    }
}
