import SensorgateCore

/// `mqtt.protocol` and what MQTT 5 adds: `session_expiry`, `message_expiry`.
public struct MQTTProtocolSettings: Sendable, Equatable {
    public enum Version: String, Sendable, Equatable, CaseIterable {
        case v311 = "3.1.1"
        case v5 = "5"
    }

    /// `protocol`, default `3.1.1`.
    public var version: Version
    /// `session_expiry`, default 1h: how long the broker keeps a persistent session
    /// (`persistent_session: true`) after the connection ends. MQTT 5 only; a clean
    /// session is sent with 0 (it ends with the connection).
    public var sessionExpiry: Interval
    /// `message_expiry`, default none: the message expiry interval of every publish.
    /// MQTT 5 only.
    public var messageExpiry: Interval?

    public static let defaultSessionExpiry = Interval.seconds(3_600)
    /// The longest expiry accepted for either; MQTT carries up to about 136 years.
    public static let maximumExpiry = Interval.seconds(365 * 86_400)

    public init(version: Version = .v311, sessionExpiry: Interval = defaultSessionExpiry, messageExpiry: Interval? = nil) {
        self.version = version
        self.sessionExpiry = sessionExpiry
        self.messageExpiry = messageExpiry
    }
}
