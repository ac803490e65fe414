import Profiles

/// What a reload changes: for each kind of component, the ids the new profile adds,
/// removes, changes (same id, different spec: windows and filters are part of a sensor's
/// spec) and keeps as they are, by the specs' equality; and what a reload cannot apply.
struct ProfileDiff: Equatable {
    /// One kind of component (inputs, sensors, outputs, ...).
    struct Changes: Equatable {
        var added: [String] = []
        var removed: [String] = []
        var changed: [String] = []
        var unchanged: [String] = []

        init<Spec: Equatable>(old: [Spec], new: [Spec], id: (Spec) -> String) {
            let oldByID = Dictionary(old.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
            let newIDs = Set(new.map(id))
            for spec in new {
                let key = id(spec)
                switch oldByID[key] {
                case nil: added.append(key)
                case let previous? where previous == spec: unchanged.append(key)
                case _?: changed.append(key)
                }
            }
            removed = old.map(id).filter { !newIDs.contains($0) }
        }

        var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
        /// Ids that stop: removed ones, and changed ones (they start again).
        var stopping: Set<String> { Set(removed + changed) }
        /// Ids that start: added ones, and changed ones.
        var starting: Set<String> { Set(added + changed) }

        /// `1 added, 1 removed, 3 unchanged`: only the counts that are not zero.
        var summary: String {
            let parts = [(added.count, "added"), (removed.count, "removed"), (changed.count, "changed"),
                         (unchanged.count, "unchanged")]
            return parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        }
    }

    var inputs: Changes
    var sensors: Changes
    var outputs: Changes
    var expanders: Changes
    var pwmOutputs: Changes
    /// Derived channels; one whose operand sensor changed counts as changed (it is linked
    /// to that sensor's channels, which start again).
    var derived: Changes
    /// Why the reload is refused as a whole (it needs a restart); empty when it can be applied.
    var refusals: [String] = []
    /// `mqtt` keys that differ and say how to connect: a reload connects anew with them
    /// (``GatewayRuntime/switchClient(to:keys:)``).
    var connectionKeys: [String] = []
    /// `mqtt` keys that differ and need a restart: the running ones are kept.
    var mqttKeys: [String] = []
    /// Set by the reload that applied this diff when it connects anew (a connection key
    /// changed, or the password file's content).
    var reconnects = false

    /// The `mqtt` keys a new client applies: where and how to connect, and what the client
    /// itself does with each message. The rest (the topics, the outbox, what is published
    /// and how) shape every component and need a restart.
    static let connectionKeyNames: Set<String> = [
        "broker", "client_id", "keepalive", "username", "password_file", "password_env", "tls", "max_buffered",
        "persistent_session", "protocol", "session_expiry", "message_expiry",
    ]

    /// `stateDirectory`: the state directory the gateway runs with (`--state-dir` wins over the
    /// profile's, and then a change of `gateway.state_dir` changes nothing).
    init(old: Profile, new: Profile, stateDirectoryFromCommandLine: Bool = false) {
        inputs = Changes(old: old.inputs, new: new.inputs, id: \.id)
        sensors = Changes(old: old.sensors, new: new.sensors, id: \.id)
        outputs = Changes(old: old.outputs, new: new.outputs, id: \.id)
        expanders = Changes(old: old.expanders, new: new.expanders, id: \.id)
        pwmOutputs = Changes(old: old.pwmOutputs, new: new.pwmOutputs, id: \.id)
        derived = Changes(old: old.derived, new: new.derived, id: \.id)
        let restartedSensors = Set(sensors.changed)
        let relinked = new.derived.filter { spec in
            derived.unchanged.contains(spec.id) && spec.operands.contains { restartedSensors.contains($0.sensor) }
        }.map(\.id)
        derived.unchanged.removeAll { relinked.contains($0) }
        derived.changed += relinked
        if old.gateway.id != new.gateway.id {
            refusals.append("gateway.id changed from '\(old.gateway.id)' to '\(new.gateway.id)' (it names the state files, the client and the topics)")
        }
        if !stateDirectoryFromCommandLine, old.gateway.stateDirectory != new.gateway.stateDirectory {
            refusals.append("gateway.state_dir changed from \(old.gateway.stateDirectory) to \(new.gateway.stateDirectory) (the seq counter and the outbox live there)")
        }
        if old.gateway.board != new.gateway.board {
            refusals.append("gateway.board changed (every line is found again through it)")
        }
        if !expanders.isEmpty {
            refusals.append("expanders changed (\(Self.names(expanders)))")
        }
        let differing = Self.differingKeys(old.mqtt, new.mqtt)
        connectionKeys = differing.filter(Self.connectionKeyNames.contains)
        mqttKeys = differing.filter { !Self.connectionKeyNames.contains($0) }
    }

    var isEmpty: Bool {
        inputs.isEmpty && sensors.isEmpty && outputs.isEmpty && expanders.isEmpty && pwmOutputs.isEmpty && derived.isEmpty
            && mqttKeys.isEmpty && connectionKeys.isEmpty
    }

    /// `sensors: 1 added, 1 removed, 3 unchanged; inputs: 2 unchanged`: the kinds the profiles have.
    var summary: String {
        let kinds = [("inputs", inputs), ("sensors", sensors), ("outputs", outputs), ("PWM outputs", pwmOutputs),
                     ("derived", derived)]
        let parts = kinds.filter { !$0.1.summary.isEmpty }.map { "\($0.0): \($0.1.summary)" }
        let components = parts.isEmpty ? "no inputs, sensors or outputs" : parts.joined(separator: "; ")
        var mqtt: [String] = []
        if reconnects { mqtt.append("connecting anew") }
        if !mqttKeys.isEmpty { mqtt.append("\(mqttKeys.joined(separator: ", ")) kept until a restart") }
        return mqtt.isEmpty ? components : components + "; mqtt: " + mqtt.joined(separator: ", ")
    }

    private static func names(_ changes: Changes) -> String {
        (changes.added.map { "'\($0)' added" } + changes.removed.map { "'\($0)' removed" }
            + changes.changed.map { "'\($0)' changed" }).joined(separator: ", ")
    }

    /// The profile keys of the `mqtt` section that differ, as a person writes them.
    static func differingKeys(_ old: MQTTSettings, _ new: MQTTSettings) -> [String] {
        var keys: [String] = []
        func check(_ name: String, _ same: Bool) { if !same { keys.append(name) } }
        check("broker", old.broker == new.broker && old.brokers == new.brokers)
        check("client_id", old.clientID == new.clientID)
        check("topic_prefix", old.topicPrefix == new.topicPrefix)
        check("qos", old.qos == new.qos)
        check("retain", old.retain == new.retain)
        check("keepalive", old.keepalive == new.keepalive)
        check("username", old.username == new.username)
        check("password_file", old.passwordFile == new.passwordFile)
        check("password_env", old.passwordEnvironment == new.passwordEnvironment)
        check("tls", old.tls == new.tls)
        check("max_buffered", old.maxBuffered == new.maxBuffered)
        check("outbox", old.outbox == new.outbox)
        check("home_assistant", old.homeAssistant == new.homeAssistant)
        check("persistent_session", old.persistentSession == new.persistentSession)
        check("stats", old.stats == new.stats)
        check("protocol", old.protocolSettings.version == new.protocolSettings.version)
        check("session_expiry", old.protocolSettings.sessionExpiry == new.protocolSettings.sessionExpiry)
        check("message_expiry", old.protocolSettings.messageExpiry == new.protocolSettings.messageExpiry)
        if keys.isEmpty, old != new { keys.append("mqtt") }
        return keys
    }
}
