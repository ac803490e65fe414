import MQTT

/// A JSON value of a Home Assistant discovery message, kept in the order it was built
/// so the published text is the same at every start (a changed config makes Home
/// Assistant reload the entity).
indirect enum HomeAssistantValue: Equatable {
    case text(String)
    case integer(Int)
    case number(Double)
    case flag(Bool)
    case object(HomeAssistantConfig)
    case list([HomeAssistantValue])
}

/// An ordered JSON object: a discovery message, a component's options, `dev`, `o`.
struct HomeAssistantConfig: Equatable {
    private(set) var fields: [Field] = []

    struct Field: Equatable {
        var key: String
        var value: HomeAssistantValue
    }

    init() {}

    subscript(key: String) -> HomeAssistantValue? {
        get { fields.first { $0.key == key }?.value }
        set {
            if let index = fields.firstIndex(where: { $0.key == key }) {
                if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append(Field(key: key, value: newValue))
            }
        }
    }

    var keys: [String] { fields.map(\.key) }

    /// The object as compact JSON, written with the payloads' ``JSONWriter``.
    var json: [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        writer.beginObject()
        write(to: &writer)
        writer.endObject()
        return writer.bytes
    }

    private func write(to writer: inout JSONWriter) {
        for field in fields {
            switch field.value {
            case .text(let text): writer.field(field.key, text)
            case .integer(let number): writer.field(field.key, number)
            case .number(let number): writer.field(field.key, number)
            case .flag(let flag): writer.field(field.key, flag)
            case .object(let object):
                writer.beginObject(field.key)
                object.write(to: &writer)
                writer.endObject()
            case .list(let elements):
                writer.beginArray(field.key)
                for element in elements {
                    switch element {
                    case .text(let text): writer.element(text)
                    case .object(let object):
                        writer.beginElementObject()
                        object.write(to: &writer)
                        writer.endObject()
                    // Discovery lists hold topics or availability entries only.
                    case .integer, .number, .flag, .list: break
                    }
                }
                writer.endArray()
            }
        }
    }
}
