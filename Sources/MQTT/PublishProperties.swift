import SensorgateCore

/// The MQTT 5 properties of every PUBLISH, built once per client: one list per kind of
/// payload (``PayloadContentType``) and retain flag, each with the user properties and,
/// for messages that are not retained, the message expiry. libmosquitto copies the list
/// into each packet, so no message builds its own.
///
/// A retained message is the broker's current state of its topic (the `online` status,
/// Home Assistant's discovery, an output's state): it stays until it is replaced, so the
/// expiry, meant for readings that go stale, is not put on it.
struct PublishProperties {
    private let json: MQTTProperties
    private let text: MQTTProperties
    private let untyped: MQTTProperties
    private let retainedJSON: MQTTProperties
    private let retainedText: MQTTProperties
    private let retainedUntyped: MQTTProperties

    init(userProperties: [MQTTClientConfiguration.UserProperty], messageExpiry: Interval?) throws(MQTTError) {
        json = try Self.list(.json, userProperties, messageExpiry)
        text = try Self.list(.text, userProperties, messageExpiry)
        untyped = try Self.list(.none, userProperties, messageExpiry)
        retainedJSON = messageExpiry == nil ? json : try Self.list(.json, userProperties, nil)
        retainedText = messageExpiry == nil ? text : try Self.list(.text, userProperties, nil)
        retainedUntyped = messageExpiry == nil ? untyped : try Self.list(.none, userProperties, nil)
    }

    /// The list for a message; it lives as long as this value.
    func properties(for payload: [UInt8], retain: Bool) -> MQTTProperties {
        switch (PayloadContentType(of: payload), retain) {
        case (.json, false): json
        case (.text, false): text
        case (.none, false): untyped
        case (.json, true): retainedJSON
        case (.text, true): retainedText
        case (.none, true): retainedUntyped
        }
    }

    private static func list(_ type: PayloadContentType, _ userProperties: [MQTTClientConfiguration.UserProperty],
                             _ messageExpiry: Interval?) throws(MQTTError) -> MQTTProperties {
        let properties = MQTTProperties()
        if let mimeType = type.mimeType { try properties.add(contentType: mimeType) }
        for property in userProperties { try properties.add(userProperty: property.name, value: property.value) }
        if let messageExpiry { try properties.add(messageExpirySeconds: MQTTClientConfiguration.wholeSeconds(messageExpiry)) }
        return properties
    }
}
