import SensorgateCore

/// The brokers a client may connect to and which one it tries now.
///
/// Failover order: the client stays on a broker as long as its connection holds. When
/// an attempt fails or an established connection ends, the next try goes to the next
/// broker in the list, wrapping from the last to the first; so with `[a, b]` a gateway
/// whose `a` went away moves to `b` and stays there until `b` fails, then tries `a`
/// again. The backoff (``ReconnectSchedule``) counts every failed attempt whatever the
/// broker, so a list whose brokers are all down is tried no faster than one broker.
public struct BrokerList: Sendable, Equatable {
    public let endpoints: [MQTTClientConfiguration.Endpoint]
    public private(set) var index = 0

    public init(first: MQTTClientConfiguration.Endpoint, failover: [MQTTClientConfiguration.Endpoint]) {
        endpoints = [first] + failover.filter { $0 != first }
    }

    public var current: MQTTClientConfiguration.Endpoint { endpoints[index] }
    public var count: Int { endpoints.count }

    /// The current broker failed: the next one becomes current.
    public mutating func advance() {
        index = (index + 1) % endpoints.count
    }
}
