/// `metrics:`: the figures of `<prefix>/stats` for Prometheus, served over HTTP at
/// `GET /metrics` on one listening address. Absent: no listener at all.
public struct MetricsSettings: Sendable, Equatable {
    /// The address family of ``host``.
    public enum Family: Sendable, Equatable {
        case ipv4
        case ipv6
    }

    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 9464

    /// The literal address to bind, without the brackets an IPv6 address is written in.
    public var host: String
    public var family: Family
    /// 1...65535.
    public var port: Int
    /// `allow_remote`, default false: a listen address other than loopback is refused
    /// unless this says it is meant (a listener reachable from the network is a surprise
    /// on a board, even though the figures carry no secret).
    public var allowRemote: Bool

    public init(host: String = MetricsSettings.defaultHost, family: Family = .ipv4,
                port: Int = MetricsSettings.defaultPort, allowRemote: Bool = false) {
        self.host = host
        self.family = family
        self.port = port
        self.allowRemote = allowRemote
    }

    /// `127.0.0.1:9464`, `[::1]:9464`: as the profile writes it.
    public var listenDescription: String {
        family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
