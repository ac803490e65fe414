import MQTT
import Profiles

/// The MQTT client's configuration from the profile's `mqtt` section: what `run` connects
/// with, and what `doctor` tries.
extension GatewayRuntime {
    static func clientConfiguration(_ settings: MQTTSettings, broker: BrokerURL, failover: [BrokerURL], password: String?,
                                    topics: TopicScheme) -> MQTTClientConfiguration {
        var configuration = MQTTClientConfiguration(
            host: broker.host, port: broker.port,
            // Only an mqtts:// broker is TLS: a plain one with mqtt.tls is refused before
            // (profile validation, `--broker`), never silently upgraded.
            tls: broker.tls ? .init(settings.tls) : nil,
            clientID: settings.clientID, keepalive: settings.keepalive,
            username: settings.username, password: password,
            will: .init(topic: topics.status, payload: Array("offline".utf8), qos: 1, retain: true),
            maxInflight: settings.outbox?.inflight ?? OutboxSettings.defaultInflight,
            maxBuffered: settings.maxBuffered, maxIncomingPayload: OutputCommand.maxBytes)
        configuration.failover = failover.map { .init(host: $0.host, port: $0.port) }
        configuration.cleanSession = !settings.persistentSession
        return configuration
    }
}
