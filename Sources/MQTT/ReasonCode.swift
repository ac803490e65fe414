import CMosquitto

/// An MQTT 5 reason code (CONNACK, PUBACK, PUBREC, DISCONNECT) as log lines name it:
/// libmosquitto's name for it and the code, `Not authorized (0x87)`.
struct ReasonCode: Equatable, CustomStringConvertible {
    var value: Int32

    init(_ value: Int32) { self.value = value }

    /// Codes from 0x80 up report a failure: a refused connection or message, a
    /// disconnection the broker chose.
    var isFailure: Bool { value >= 0x80 }

    var name: String { String(cString: mosquitto_reason_string(value)) }

    var description: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "\(name) (0x\(hex.count < 2 ? "0" + hex : hex))"
    }
}
