/// Lengths `validate` enforces so that `run` never fails on what `validate` accepted
/// (DeviceProfiles/README.md, "Limits").
///
/// The gateway id becomes a file name (`<state_dir>/<id>.seq`, at most 255 bytes) and
/// the default MQTT client id; ids and window names become topic levels; MQTT carries a
/// topic, a client id or a user name in at most 65,535 bytes. The caps below leave
/// every derived name far inside those limits: the longest topic is a 1,024-byte
/// prefix and three 64-character levels (`<prefix>/<sensor>/<channel>/<window>`),
/// under 1,300 bytes.
enum ProfileLimits {
    /// `gateway.id`, the ids of inputs, sensors and outputs, and window names, in characters.
    static let maximumIDLength = 64
    /// `mqtt.topic_prefix` and `mqtt.home_assistant.prefix`, in UTF-8 bytes.
    static let maximumTopicPrefixBytes = 1_024
    /// `mqtt.client_id`, in UTF-8 bytes.
    static let maximumClientIDBytes = 256
    /// `mqtt.username`, in UTF-8 bytes.
    static let maximumUsernameBytes = 1_024
    /// A file or directory path, in bytes (Linux allows 4,096 with the file names
    /// the gateway appends to a directory).
    static let maximumPathBytes = 1_024
    /// One name between slashes of a path, in bytes (Linux's NAME_MAX).
    static let maximumPathComponentBytes = 255
}
