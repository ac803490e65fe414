/// What a payload is, for MQTT 5's content type.
///
/// The gateway publishes two kinds of payload: JSON objects written by ``JSONWriter``
/// (readings, states, errors, statistics, Home Assistant's discovery), which always start
/// with `{`, and status words (`online`, `offline`). Telling them apart by the first byte
/// keeps every publish call as it is; an empty payload (a retained message deleted) has
/// no content to type.
enum PayloadContentType: Equatable {
    case json, text, none

    init(of payload: [UInt8]) {
        guard let first = payload.first else {
            self = .none
            return
        }
        self = first == UInt8(ascii: "{") ? .json : .text
    }

    /// The MIME type sent as the content type property.
    var mimeType: String? {
        switch self {
        case .json: "application/json"
        case .text: "text/plain"
        case .none: nil
        }
    }
}
