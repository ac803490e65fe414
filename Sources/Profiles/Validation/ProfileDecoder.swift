import SensorgateCore

/// Turns a document tree into a ``Profile``, checking everything and reporting every
/// problem to its ``Validator``. Returns a profile only if nothing was wrong.
///
/// One extension per section: `+Gateway` (gateway, mqtt), `+GPIO` (inputs, outputs),
/// `+Sensors` (sensors, channels, windows), `+Filters` (each filter against the syntax it
/// declares in the filter catalog), `+Simulation`.
final class ProfileDecoder {
    let validator: Validator

    /// What an id names, for duplicate checks and `simulation:` references.
    enum EntityKind: String {
        case input, sensor, output, expander, derived
    }

    struct Entity {
        var kind: EntityKind
        var path: String
        var location: SourceLocation
    }

    /// Ids seen so far, by id.
    var entities: [String: Entity] = [:]
    /// GPIO lines claimed so far, as the board resolves them.
    var lineOwners: [LineClaim: (owner: String, location: SourceLocation)] = [:]
    /// Resolves lines on the profile's board preset; set once `gateway` is decoded, which
    /// comes before `inputs` and `outputs`.
    var lineResolver = LineResolver(board: nil)
    /// Decoded sensors' drivers and their channels with the sensor's options, by sensor id
    /// (nil when the driver is unknown).
    var sensorChannels: [String: SensorChannelNames?] = [:]
    /// Decoded expanders' parts, by expander id, for the lines inputs and outputs take on them.
    var expanderDrivers: [String: ExpanderSpec.Driver] = [:]
    /// PWM controllers' periods at their frequency, by expander id.
    var expanderPeriods: [String: Interval] = [:]
    /// Where each expander answers, for the address checks against sensors.
    var expanderClaims: [I2CAddressClaim] = []
    /// Outputs with `pwm:`, decoded with the others.
    var pwmOutputs: [PWMOutputSpec] = []

    static let rootKeys = ["gateway", "mqtt", "expanders", "inputs", "sensors", "outputs", "derived", "simulation"]

    /// Ids that would clash with the gateway's own topic levels `<prefix>/status` and `<prefix>/error`.
    static let reservedIDs = ["status", "error"]

    init(validator: Validator) {
        self.validator = validator
    }

    func decode(_ root: ConfigNode, path: String) -> Profile? {
        let rootField = Field(node: root, path: "")
        if !root.isNull, case .mapping = root.value {} else {
            validator.expected("a mapping with a 'gateway' section", rootField)
            return nil
        }
        guard let top = validator.mapping(rootField, keys: Self.rootKeys, refused: MQTTIONames.root) else { return nil }

        let gateway = top.required("gateway", validator).flatMap(decodeGateway)
        lineResolver = LineResolver(board: gateway?.board.flatMap(BoardPreset.named))
        let mqtt = decodeMQTT(top.optional("mqtt"), gatewayID: gateway?.id)
        // Before inputs and outputs, which take lines on them.
        let expanders = top.optional("expanders").map(decodeExpanders) ?? []
        let inputs = top.optional("inputs").map(decodeInputs) ?? []
        let sensors = top.optional("sensors").map(decodeSensors) ?? []
        checkExpanderAddresses(against: sensors)
        let outputs = top.optional("outputs").map(decodeOutputs) ?? []
        let derived = top.optional("derived").map { decodeDerived($0, sensors: sensors) } ?? []
        let simulation = top.optional("simulation").map(decodeSimulation) ?? SimulationSpec()

        guard validator.diagnostics.isEmpty, let gateway, let mqtt, let simulation else { return nil }
        var profile = Profile(path: path, gateway: gateway, mqtt: mqtt, inputs: inputs, sensors: sensors,
                              outputs: outputs, pwmOutputs: pwmOutputs, expanders: expanders, simulation: simulation)
        profile.derived = derived
        return profile
    }

    /// `a, b or c`
    static func orList(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + (items.last ?? "")
    }

    // MARK: Ids

    /// Reads an entry's `id` and claims it: ids are unique across inputs, sensors and
    /// outputs, since each is a topic level under the prefix.
    func claimID(_ entry: Fields, kind: EntityKind) -> String? {
        guard let field = entry.required("id", validator), let id = validator.identifier(field) else { return nil }
        if Self.reservedIDs.contains(id) {
            validator.expected("an id other than status and error (reserved topic levels)", field)
            return nil
        }
        if let first = entities[id] {
            validator.report(at: field.location, field.path,
                             "duplicate id '\(id)', already used by \(first.path) at \(first.location)")
            return nil
        }
        entities[id] = Entity(kind: kind, path: entry.path, location: field.location)
        return id
    }
}
