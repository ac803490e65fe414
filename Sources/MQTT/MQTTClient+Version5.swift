import CMosquitto
import Logging
import SensorgateCore

/// MQTT 5: the CONNECT's session expiry, the will and every PUBLISH with their
/// properties, and the broker's reason codes by name.
extension MQTTClient {
    var isVersion5: Bool { configuration.protocolVersion == .v5 }

    /// Switches the handle to MQTT 5 and gives it the CONNECT properties. Before the will
    /// is set: libmosquitto checks the will's properties against the protocol.
    func configureVersion5() throws(MQTTError) {
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V5)), "protocol version")
        let connect = MQTTProperties()
        let expiry = configuration.cleanSession ? 0 : MQTTClientConfiguration.wholeSeconds(configuration.sessionExpiry)
        try connect.add(sessionExpirySeconds: expiry)
        // libmosquitto 2.0 has no asynchronous connect that takes CONNECT properties, and
        // its blocking one would stall the event loop for a whole TCP timeout. Its
        // mosquitto_connect_bind_v5 keeps a copy of the list on the handle for every
        // later connect and reconnect (asynchronous ones too) before it checks its
        // arguments: with port -1 it stores the list, refuses the port and connects nowhere.
        let rc = mosquitto_connect_bind_v5(handle, configuration.host, -1, Int32(configuration.keepalive.nanoseconds / 1_000_000_000),
                                           nil, connect.list)
        guard rc == MOSQ_ERR_INVAL.rawValue else {
            throw MQTTError("CONNECT properties: libmosquitto answered \(Self.describe(rc)) where it refuses the port after keeping them")
        }
    }

    /// The retained `offline` will, with the content type and the user properties under MQTT 5.
    func setWill(_ will: MQTTClientConfiguration.Will) throws(MQTTError) {
        guard isVersion5 else {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set(handle, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos, will.retain)
            }
            try check(rc, "last will")
            return
        }
        let properties = MQTTProperties()
        if let mimeType = PayloadContentType(of: will.payload).mimeType { try properties.add(contentType: mimeType) }
        for property in configuration.userProperties { try properties.add(userProperty: property.name, value: property.value) }
        let rc = will.payload.withUnsafeBytes { bytes in
            mosquitto_will_set_v5(handle, will.topic, Int32(bytes.count), bytes.baseAddress, will.qos, will.retain, properties.list)
        }
        try check(rc, "last will")
        // On success libmosquitto owns the list and frees it with the will.
        _ = properties.release()
    }

    /// `mosquitto_publish_v5` with the properties for `payload` under MQTT 5 (none under 3.1.1).
    func publishToLibrary(_ mid: inout Int32, topic: String, payload: [UInt8], qos: Int32, retain: Bool) -> Int32 {
        let properties = publishProperties?.properties(for: payload, retain: retain)
        return payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(handle, &mid, topic, Int32(bytes.count), bytes.baseAddress, qos, retain, properties?.list)
        }
    }

    /// Why the broker refused the connection: a reason code under MQTT 5, a CONNACK
    /// return code under 3.1.1.
    func connectRefusal(_ rc: Int32) -> String {
        isVersion5 ? "\(ReasonCode(rc))" : String(cString: mosquitto_connack_string(rc))
    }

    /// The broker's DISCONNECT reason under MQTT 5: libmosquitto passes the packet's
    /// reason code where it otherwise passes its own error (below 0x80).
    func brokerDisconnect(_ rc: Int32) -> String? {
        let code = ReasonCode(rc)
        guard isVersion5, code.isFailure else { return nil }
        return "the broker disconnected the gateway: \(code)"
    }

    /// A PUBACK or PUBREC with a failure reason: the broker will not deliver the message
    /// and libmosquitto has let it go. It is not acknowledged; whoever sent it under
    /// ``sendTracked(_:)`` (the outbox) accounts for it, else it counts as refused.
    func refusedByBroker(mid: Int32, _ code: ReasonCode) {
        let reason = "\(code)"
        if onRefused(mid, reason) { return }
        statistics.dropped += 1
        statistics.refused += 1
        noteBrokerRefusal(reason)
    }

    /// One error line for the first refusal and every 1000th: a broker that refuses a
    /// topic refuses every reading on it.
    func noteBrokerRefusal(_ reason: String) {
        brokerRefusals += 1
        guard brokerRefusals == 1 || brokerRefusals.isMultiple(of: 1000) else { return }
        logger.error("broker \(brokerDescription) refused a message: \(reason); it is not re-sent (\(brokerRefusals) refused so far)")
    }
}
