import MQTT
import SensorgateCore
import Testing

@Suite("PayloadEncoder: combined sensor messages and nested JSON")
struct PayloadEncoderCombinedTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("every channel by name, then ts and seq, in the order given")
    func combined() {
        var encoder = PayloadEncoder()
        let payload = encoder.combined([(name: "temperature", value: 21.53), (name: "humidity", value: 48),
                                        (name: "pressure", value: 1013.25)],
                                       utc: 1_795_748_400_123_456_789, seq: 42)
        #expect(text(payload)
            == #"{"temperature":21.53,"humidity":48,"pressure":1013.25,"ts":"2026-11-27T03:00:00.123456Z","seq":42}"#)
        // The encoder's buffer is reused: a state after it is not polluted.
        #expect(text(encoder.state(.bool(true), unit: nil, utc: 0, seq: 1)) == #"{"value":true,"ts":"1970-01-01T00:00:00.000000Z","seq":1}"#)
    }

    @Test("nested objects and lists, with commas where they belong")
    func nested() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.beginObject("dev")
        writer.beginArray("ids")
        writer.element("a")
        writer.element("b\"c")
        writer.endArray()
        writer.field("name", "gw")
        writer.endObject()
        writer.beginArray("availability")
        writer.beginElementObject()
        writer.field("topic", "x/status")
        writer.endObject()
        writer.beginElementObject()
        writer.endObject()
        writer.endArray()
        writer.beginArray("empty")
        writer.endArray()
        writer.field("qos", 1)
        writer.endObject()
        #expect(text(writer.bytes) == #"{"dev":{"ids":["a","b\"c"],"name":"gw"},"availability":[{"topic":"x/status"},{}],"empty":[],"qos":1}"#)
    }
}
