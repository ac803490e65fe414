import CMosquitto

/// An MQTT 5 property list that Swift owns: built with the `add` methods, freed with the
/// object. libmosquitto copies a list into the packet it builds (every PUBLISH, every
/// CONNECT), so one list can serve every message it fits.
final class MQTTProperties {
    private(set) var list: OpaquePointer?

    init() {}

    deinit { mosquitto_property_free_all(&list) }

    func add(contentType: String) throws(MQTTError) {
        try check(mosquitto_property_add_string(&list, Self.identifier(MQTT_PROP_CONTENT_TYPE), contentType), "content type")
    }

    func add(userProperty name: String, value: String) throws(MQTTError) {
        try check(mosquitto_property_add_string_pair(&list, Self.identifier(MQTT_PROP_USER_PROPERTY), name, value),
                  "user property '\(name)'")
    }

    func add(messageExpirySeconds seconds: UInt32) throws(MQTTError) {
        try check(mosquitto_property_add_int32(&list, Self.identifier(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL), seconds),
                  "message expiry")
    }

    func add(sessionExpirySeconds seconds: UInt32) throws(MQTTError) {
        try check(mosquitto_property_add_int32(&list, Self.identifier(MQTT_PROP_SESSION_EXPIRY_INTERVAL), seconds),
                  "session expiry")
    }

    /// Gives the list to a function that takes ownership on success (`mosquitto_will_set_v5`):
    /// this object no longer frees it.
    func release() -> OpaquePointer? {
        defer { list = nil }
        return list
    }

    private static func identifier(_ property: mqtt5_property) -> Int32 { Int32(property.rawValue) }

    private func check(_ rc: Int32, _ what: String) throws(MQTTError) {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw MQTTError("MQTT 5 property \(what): \(String(cString: mosquitto_strerror(rc)))")
        }
    }
}
