import Logging
import MQTT
import Profiles
import SensorgateCore

/// The brokers a gateway connects to, and whether they came from `--broker` (which then
/// stays over a reload: the command line wins over the profile, as at the start).
struct BrokerChoice {
    var broker: BrokerURL
    var failover: [BrokerURL]
    var fromCommandLine: Bool
}

/// A reload that changes how to connect (the brokers, the client id, the credentials or
/// the password file's content, TLS, keepalive, the session, the protocol): a new client
/// takes over from the running one.
///
/// The running client is retired first: it gets no new messages, delivers what it holds
/// to its broker within ``retireTimeout``, publishes the retained `offline` there and
/// disconnects cleanly (no will). Only then does its successor connect, so that on the
/// same broker `offline` always comes before the successor's `online`, and a kept client
/// id never has two connections at once. Meanwhile readings wait in the successor's
/// buffer, or in the outbox.
///
/// With an outbox nothing is lost: the rows in flight with the retiring client wait in
/// the outbox again and go to the successor (a row the retiring client still delivered
/// goes twice, which QoS 1 allows). Without one, the retiring client's buffer moves to
/// the successor when it is not connected; the QoS 1/2 messages libmosquitto holds for
/// an unreachable broker are lost with it, and its stop line counts them.
extension GatewayRuntime {
    /// How long a retiring client may take to deliver what it holds.
    static let retireTimeout = Interval.seconds(5)

    /// The client `settings` connect with, or nil when the running one already connects so.
    /// Throws when the settings cannot connect (the password unreadable, `mqtt.tls` with a
    /// plain `--broker`), before anything is touched.
    func replacementClient(for settings: MQTTSettings, gatewayID: String) throws(GatewayError) -> (MQTTClient, BrokerChoice)? {
        var choice = brokers
        if settings.brokers != profile.mqtt.brokers {
            if choice.fromCommandLine {
                logger.notice("reload: mqtt.broker changed in the profile; --broker \(choice.broker) given on the command line stays")
            } else {
                choice.broker = settings.broker
                choice.failover = Array(settings.brokers.dropFirst())
            }
        }
        if !choice.broker.tls, settings.tls != nil {
            throw GatewayError("mqtt.tls asks for TLS, but --broker \(choice.broker) is a plain mqtt:// broker: give an mqtts:// URL on the command line, or remove mqtt.tls")
        }
        let password = try BrokerPassword.read(settings, logger: logger)
        let configuration = Self.clientConfiguration(settings, broker: choice.broker, failover: choice.failover,
                                                     password: password, topics: topics, gatewayID: gatewayID)
        guard configuration != mqtt.configuration else { return nil }
        do {
            return (try MQTTClient(configuration: configuration, loop: loop, logger: logger), choice)
        } catch {
            throw GatewayError("MQTT: \(error)")
        }
    }

    /// Retires the running client and hands everything to `successor` (see above).
    func switchClient(to successor: MQTTClient, brokers choice: BrokerChoice, keys: [String]) {
        let retiring = mqtt
        let changed = keys.isEmpty ? "the password" : "mqtt \(keys.joined(separator: ", "))"
        logger.notice("reload: \(changed) changed: connecting anew, to \(successor.brokerDescription), once \(retiring.brokerDescription) has what it holds (at most \(Self.retireTimeout.readableDescription))")
        outbox?.switchClient(to: successor)
        retiring.detachCallbacks()
        if outbox == nil, retiring.state != .connected {
            successor.takeOver(retiring.takeBuffered())
        }
        mqtt = successor
        brokers = choice
        listen(to: successor)
        // Home Assistant's status and the command filter: subscribed once, kept by the client.
        for filter in retiring.subscriptionFilters { successor.subscribe(filter.topic, qos: filter.qos) }
        retiringClients.append(retiring)
        let offline = OutgoingMessage(topic: topics.status, payload: Array("offline".utf8), qos: 1, retain: true)
        retiring.shutdown(timeout: Self.retireTimeout, final: [offline]) { [unowned self] in
            retiredClientStatistics = retiredClientStatistics + retiring.statistics
            retiringClients.removeAll { $0 === retiring }
            // After two reloads in a row, the latest client waits for both predecessors.
            guard !shuttingDown, retiringClients.isEmpty else { return }
            mqtt.start()
        }
    }

    /// Messages the clients still hold, the retiring ones' included.
    var clientBacklog: Int { retiringClients.reduce(mqtt.backlog) { $0 + $1.backlog } }

    /// Every client's statistics in this run: the retired ones' and the current one's.
    var clientStatistics: MQTTClient.Statistics {
        retiringClients.reduce(retiredClientStatistics + mqtt.statistics) { $0 + $1.statistics }
    }
}
