/// `sensorgate import mqtt-io`: an mqtt-io configuration (its documented schema: `mqtt`,
/// `gpio_modules`, `digital_inputs`, `digital_outputs`, `sensor_modules`, `sensor_inputs`)
/// turned into a Sensorgate profile, with a located note for everything that has no
/// equivalent or means something else here.
public enum MQTTIOImport {
    /// The profile and what could not be converted as it was.
    public struct Conversion: Sendable {
        public var profile: ProfileText
        /// In the order of the mqtt-io file.
        public var notes: [Note]
    }

    /// Something converted differently or not at all, where the mqtt-io file says it.
    public struct Note: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(file):\(line):\(column): note: \(message)" }
    }

    /// Reads and converts the mqtt-io file at `path`.
    public static func convert(path: String, gatewayID: String? = nil) throws(ProfileLoadError) -> Conversion {
        try convert(text: ProfileLoader.readText(path), file: path, gatewayID: gatewayID)
    }

    /// Converts `text` (the mqtt-io file's content; `file` names it in notes). Fails with
    /// the YAML's syntax errors, or when the document is not an mqtt-io configuration.
    public static func convert(text: String, file: String, gatewayID: String? = nil) throws(ProfileLoadError) -> Conversion {
        let document = YAMLReader.read(text, file: file)
        guard document.diagnostics.isEmpty else { throw .invalid(document.diagnostics) }
        guard let root = document.root, case .mapping = root.value else {
            let location = document.root?.location ?? .start
            throw .invalid([Diagnostic(file: file, line: location.line, column: location.column,
                                       message: "expected an mqtt-io configuration (a mapping with 'mqtt' and the module lists)")])
        }
        var converter = Converter(file: file)
        return converter.convert(root, gatewayID: gatewayID)
    }

    /// One conversion's state: the notes so far and the ids handed out.
    struct Converter {
        let file: String
        var notes: [Note] = []
        var ids: Set<String> = []

        init(file: String) { self.file = file }

        static let knownSections = ["mqtt", "gpio_modules", "sensor_modules", "stream_modules", "digital_inputs",
                                    "digital_outputs", "sensor_inputs", "logging", "options"]

        mutating func convert(_ root: ConfigNode, gatewayID: String?) -> Conversion {
            for pair in root.pairs where !Self.knownSections.contains(pair.key) {
                note(at: pair.keyLocation, "'\(pair.key)' is not an mqtt-io section: ignored")
            }
            if let logging = root["logging"] { note(at: logging.location, "logging: not converted; the gateway logs to standard error (the journal under systemd), its level set with --log-level") }
            if let streams = root["stream_modules"], !streams.items.isEmpty {
                note(at: streams.location, "stream_modules: serial streams have no Sensorgate equivalent: not converted")
            }
            let mqtt = root["mqtt"]
            let id = gatewayID ?? Self.identifier(mqtt?["client_id"]?.text ?? "") ?? "sensorgate"
            var entries = [ProfileText.Entry("gateway", .mapping([.init("id", .scalar(id))]))]
            if let mqtt { entries.append(.init("mqtt", .mapping(convertMQTT(mqtt)))) }
            let gpio = convertGPIOModules(root["gpio_modules"])
            if !gpio.expanders.isEmpty { entries.append(.init("expanders", .list(gpio.expanders))) }
            let inputs = convertInputs(root["digital_inputs"], modules: gpio.modules)
            if !inputs.isEmpty { entries.append(.init("inputs", .list(inputs))) }
            let sensors = convertSensors(modules: root["sensor_modules"], inputs: root["sensor_inputs"])
            if !sensors.isEmpty { entries.append(.init("sensors", .list(sensors))) }
            let outputs = convertOutputs(root["digital_outputs"], modules: gpio.modules)
            if !outputs.isEmpty { entries.append(.init("outputs", .list(outputs))) }
            let ordered = notes.enumerated().sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            return Conversion(profile: .mapping(entries), notes: ordered.map(\.element))
        }

        mutating func note(at location: SourceLocation, _ text: String) {
            notes.append(Note(file: file, line: location.line, column: location.column, message: text))
        }

        /// A Sensorgate id for an mqtt-io name, unique in this profile: characters outside
        /// `[A-Za-z0-9_-]` become `_`, a repeat gets `_2`, `_3` ...; a note when it changed.
        mutating func uniqueID(for name: String, at location: SourceLocation) -> String {
            var id = Self.identifier(name) ?? "unnamed"
            if ids.contains(id) {
                var counter = 2
                while ids.contains("\(id)_\(counter)") { counter += 1 }
                id = "\(id)_\(counter)"
            }
            ids.insert(id)
            if id != name { note(at: location, "'\(name)' becomes the id '\(id)'") }
            return id
        }

        static func identifier(_ name: String) -> String? {
            let mapped = String(name.unicodeScalars.map { scalar -> Character in
                let allowed = (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
                    || (scalar >= "0" && scalar <= "9") || scalar == "_" || scalar == "-"
                return allowed ? Character(scalar) : "_"
            }.prefix(ProfileLimits.maximumIDLength))
            return mapped.allSatisfy({ $0 == "_" }) ? nil : mapped
        }
    }
}

/// Reading an mqtt-io document: mqtt-io's own YAML 1.1 booleans included.
extension ConfigNode {
    var pairs: [ConfigPair] {
        if case .mapping(let pairs) = value { return pairs }
        return []
    }

    var items: [ConfigNode] {
        if case .sequence(let items) = value { return items }
        return []
    }

    subscript(key: String) -> ConfigNode? { pairs.first { $0.key == key }?.value }

    func location(of key: String) -> SourceLocation { pairs.first { $0.key == key }?.keyLocation ?? location }

    var text: String? { isNull ? nil : scalarText }

    var bool: Bool? {
        guard let text = text?.lowercased() else { return nil }
        if ["yes", "true", "on", "y"].contains(text) { return true }
        if ["no", "false", "off", "n"].contains(text) { return false }
        return nil
    }

    /// Integers as mqtt-io writes them: decimal or `0x..` (I2C addresses).
    var integer: Int? {
        guard let text else { return nil }
        if text.lowercased().hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }
}
