import SensorgateCore

/// `mqtt.protocol` (`3.1.1` or `5`) and the MQTT 5 keys `session_expiry` and
/// `message_expiry`, each refused where it would have no effect.
extension ProfileDecoder {
    static let protocolKeys = ["protocol", "session_expiry", "message_expiry"]

    func decodeProtocol(_ mqtt: Fields) -> MQTTProtocolSettings? {
        var valid = true
        var version = MQTTProtocolSettings.Version.v311
        if let field = mqtt.optional("protocol") {
            if let chosen = validator.choice(field, MQTTProtocolSettings.Version.allCases.map { ($0.rawValue, $0) }) {
                version = chosen
            } else {
                valid = false
            }
        }
        let sessionExpiry = expiry(mqtt, "session_expiry", version: version, &valid)
        let messageExpiry = expiry(mqtt, "message_expiry", version: version, &valid)
        if sessionExpiry != nil, let field = mqtt.optional("session_expiry") {
            // An invalid persistent_session is reported where it is decoded.
            let persistent = mqtt.optional("persistent_session").map { $0.node.scalarText.flatMap(NumberSyntax.bool) ?? true }
            if persistent != true {
                validator.report(at: field.location, field.path,
                                 "a session expiry needs mqtt.persistent_session: true (a clean session ends with the connection)")
                valid = false
            }
        }
        guard valid else { return nil }
        return MQTTProtocolSettings(version: version, sessionExpiry: sessionExpiry ?? MQTTProtocolSettings.defaultSessionExpiry,
                                    messageExpiry: messageExpiry)
    }

    /// A whole number of seconds from 1s to 365d, under `protocol: 5` only.
    private func expiry(_ mqtt: Fields, _ key: String, version: MQTTProtocolSettings.Version, _ valid: inout Bool) -> Interval? {
        guard let field = mqtt.optional(key) else { return nil }
        guard let value = validator.duration(field, in: .seconds(1)...MQTTProtocolSettings.maximumExpiry) else {
            valid = false
            return nil
        }
        guard value.nanoseconds % 1_000_000_000 == 0 else {
            validator.expected("a whole number of seconds from 1s to 365d", field)
            valid = false
            return nil
        }
        guard version == .v5 else {
            validator.report(at: field.location, field.path, "\(key) is an MQTT 5 property: it needs mqtt.protocol: 5")
            valid = false
            return nil
        }
        return value
    }
}
