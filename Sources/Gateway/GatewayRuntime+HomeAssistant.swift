import MQTT
import SensorgateCore

extension GatewayRuntime {
    /// Subscribes to Home Assistant's `<discovery prefix>/status` (once: the client
    /// subscribes again after every reconnect).
    func startHomeAssistant() {
        guard let announcer = homeAssistant else { return }
        mqtt.subscribe(announcer.discovery.birthTopic, qos: 1)
    }

    /// Publishes the discovery configs (retained), after `online` on the same connection.
    func announceHomeAssistant(reason: String) {
        guard let announcer = homeAssistant, !shuttingDown else { return }
        let messages = announcer.messages(qos: 1)
        for message in messages {
            // Straight to the client, never into the outbox: a later start announces its
            // own profile, and a config kept from this one must not be replayed over it.
            mqtt.publish(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain)
        }
        announcer.announced()
        logger.info("Home Assistant: announced \(announcer.discovery.components.count) entities (\(announcer.discovery.settings.mode.rawValue) discovery under \(announcer.discovery.settings.prefix)/) \(reason)")
    }

    /// True if `message` was Home Assistant's status, handled here: `online` (its birth
    /// message, after a restart) asks for the discovery again. A retained `online`, met
    /// when subscribing, follows the announcement made on connecting and is not repeated.
    func receivedHomeAssistantStatus(_ message: IncomingMessage) -> Bool {
        guard let announcer = homeAssistant, message.topic == announcer.discovery.birthTopic else { return false }
        let text = String(decoding: message.payload, as: UTF8.self)
        guard text == "online", !message.retained else {
            logger.debug("Home Assistant status \(LogText.escaped(text))\(message.retained ? " (retained)" : "")")
            return true
        }
        announceHomeAssistant(reason: "after Home Assistant came online")
        return true
    }
}
