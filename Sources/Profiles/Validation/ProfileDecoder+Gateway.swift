import SensorgateCore

extension ProfileDecoder {
    static let gatewayKeys = ["id", "board", "state_dir"]
    static let mqttKeys = ["broker", "client_id", "topic_prefix", "qos", "retain", "keepalive", "username",
                           "password_file", "tls", "max_buffered", "outbox", "home_assistant",
                           "brokers", "password_env", "persistent_session", "stats"]

    /// Board presets `gateway.board` may name (the presets themselves live in `DeviceProfiles/boards`).
    static let boards = ["raspberry-pi-3", "raspberry-pi-4", "raspberry-pi-5", "raspberry-pi-zero-2-w", "generic"]

    static let defaultBroker = BrokerURL(host: "127.0.0.1", port: 1883, tls: false)
    static let defaultStateDirectory = "/var/lib/sensorgate"

    // MARK: gateway

    func decodeGateway(_ field: Field) -> GatewaySettings? {
        guard let gateway = validator.mapping(field, keys: Self.gatewayKeys) else { return nil }
        let id = gateway.required("id", validator).flatMap(validator.identifier)
        let board = gateway.optional("board").flatMap { validator.choice($0, Self.boards.map { ($0, $0) }) }
        let stateDirectory = gateway.optional("state_dir").flatMap { validator.path($0, what: "a directory path") }
        guard let id else { return nil }
        return GatewaySettings(id: id, board: board, stateDirectory: stateDirectory ?? Self.defaultStateDirectory)
    }

    // MARK: mqtt

    func decodeMQTT(_ field: Field?, gatewayID: String?) -> MQTTSettings? {
        let mqtt: Fields
        if let field {
            guard let fields = validator.mapping(field, keys: Self.mqttKeys,
                                                 refused: MQTTIONames.mqtt.merging(["password": Self.inlinePasswordRefusal]) { $1 }) else {
                return nil
            }
            mqtt = fields
        } else {
            mqtt = Fields(path: "mqtt", location: .start, pairs: [])
        }

        let brokers = decodeBrokers(mqtt)
        let broker = brokers?.first
        let clientID = mqtt.optional("client_id").flatMap {
            validator.text($0, what: "a client id", maximumBytes: ProfileLimits.maximumClientIDBytes)
        }
        let topicPrefix = mqtt.optional("topic_prefix").flatMap { topicLevels($0) }
        let qos = mqtt.optional("qos").flatMap(qos)
        let retain = mqtt.optional("retain").flatMap(validator.bool)
        let keepalive = mqtt.optional("keepalive").flatMap(keepalive)
        let username = mqtt.optional("username").flatMap {
            validator.text($0, what: "a user name", maximumBytes: ProfileLimits.maximumUsernameBytes)
        }
        let credentials = decodeCredentials(mqtt)
        let persistentSession = mqtt.optional("persistent_session").flatMap(validator.bool)
        var referencedFiles = credentials.passwordFile.map { [$0] } ?? []
        let tls = mqtt.optional("tls").flatMap { decodeTLS($0, broker: broker, files: &referencedFiles) }
        let maxBuffered = mqtt.optional("max_buffered").flatMap { validator.integer($0, in: 1...10_000_000) }
        let outbox = mqtt.optional("outbox").flatMap(decodeOutbox)
        let homeAssistant = mqtt.optional("home_assistant").flatMap(decodeHomeAssistant)
        let stats = mqtt.optional("stats").flatMap(decodeStatisticsSettings)

        guard let gatewayID, let broker, let brokers else { return nil }
        return MQTTSettings(
            broker: broker,
            clientID: clientID ?? gatewayID,
            topicPrefix: topicPrefix ?? "sensorgate/\(gatewayID)",
            qos: qos ?? .atLeastOnce,
            retain: retain ?? (homeAssistant?.discovery == true),
            keepalive: keepalive ?? .seconds(30),
            username: username,
            passwordFile: credentials.passwordFile?.path,
            tls: tls,
            maxBuffered: maxBuffered ?? 10_000,
            outbox: outbox,
            homeAssistant: homeAssistant,
            brokers: brokers,
            passwordEnvironment: credentials.passwordEnvironment,
            persistentSession: persistentSession ?? false,
            referencedFiles: referencedFiles,
            stats: stats ?? StatisticsSettings()
        )
    }

    /// `qos: 0`, `1` or `2` (also for inputs and sensors).
    func qos(_ field: Field) -> QoS? {
        validator.integer(field, in: 0...2).flatMap(QoS.init(rawValue:))
    }

    private func keepalive(_ field: Field) -> Interval? {
        guard let value = validator.duration(field, in: .seconds(5)...Interval.seconds(65_535)) else {
            return nil
        }
        guard value.nanoseconds % 1_000_000_000 == 0 else {
            validator.expected("a whole number of seconds from 5s to 65535s", field)
            return nil
        }
        return value
    }

    /// Topic levels for a prefix: no wildcards, no trailing `/`, not a `$` system topic.
    func topicLevels(_ field: Field) -> String? {
        let what = "topic levels without '+', '#', a leading '$' or a trailing '/'"
        guard let text = field.node.scalarText, !field.node.isNull else {
            validator.expected(what, field)
            return nil
        }
        guard !text.isEmpty, !text.contains("+"), !text.contains("#"), !text.hasSuffix("/"), !text.hasPrefix("$"),
              !text.unicodeScalars.contains("\0") else {
            validator.expected(what, field)
            return nil
        }
        guard validator.within(ProfileLimits.maximumTopicPrefixBytes, bytes: text.utf8.count, field) else { return nil }
        return text
    }

    private func decodeTLS(_ field: Field, broker: BrokerURL?, files: inout [ReferencedFile]) -> TLSSettings? {
        guard let tls = validator.mapping(field, keys: ["ca_file", "ca_path", "cert_file", "key_file", "insecure"]) else {
            return nil
        }
        let caFile = referencedFile(tls, "ca_file", .file, role: "the CA file", into: &files)
        let caPath = referencedFile(tls, "ca_path", .directory, role: "the CA directory", into: &files)
        let certFile = referencedFile(tls, "cert_file", .file, role: "the client certificate", into: &files)
        let keyFile = referencedFile(tls, "key_file", .file, role: "the client key", into: &files)
        let insecure = tls.optional("insecure").flatMap(validator.bool)
        if tls.contains("cert_file") != tls.contains("key_file") {
            let missing = tls.contains("cert_file") ? "key_file" : "cert_file"
            validator.report(at: tls.location, tls.path,
                             "a client certificate needs both cert_file and key_file, missing \(missing)")
        }
        if let broker, !broker.tls {
            validator.report(at: tls.location, tls.path, "TLS settings need an mqtts:// broker, got '\(broker)'")
        }
        return TLSSettings(caFile: caFile, certFile: certFile, keyFile: keyFile, caPath: caPath,
                           insecure: insecure ?? false)
    }

    static let outboxKeys = ["path", "max_messages", "max_bytes", "inflight", "sync", "batch"]

    private func decodeOutbox(_ field: Field) -> OutboxSettings? {
        guard let outbox = validator.mapping(field, keys: Self.outboxKeys) else { return nil }
        let path = outbox.optional("path").flatMap { validator.path($0, what: "a file path") }
        let maxMessages = outbox.optional("max_messages").flatMap { validator.integer($0, in: 1...100_000_000) }
        let maxBytes = outbox.optional("max_bytes").flatMap { validator.integer($0, in: 4_096...(1 << 40)) }
        let inflight = outbox.optional("inflight").flatMap { validator.integer($0, in: 1...65_535) }
        let sync = outbox.optional("sync").flatMap { validator.duration($0, in: .zero...Interval.seconds(60)) }
        let batch = outbox.optional("batch").flatMap { validator.duration($0, in: .zero...Interval.seconds(1)) }
        let settings = OutboxSettings(path: path, maxMessages: maxMessages ?? OutboxSettings.defaultMaxMessages,
                                      maxBytes: maxBytes ?? OutboxSettings.defaultMaxBytes,
                                      inflight: inflight ?? OutboxSettings.defaultInflight,
                                      sync: sync ?? OutboxSettings.defaultSync,
                                      batch: batch ?? OutboxSettings.defaultBatch)
        if let field = outbox.optional("inflight"), inflight != nil, settings.inflight > settings.maxMessages {
            validator.report(at: field.location, field.path,
                             "the in-flight window (\(settings.inflight)) must not exceed max_messages (\(settings.maxMessages))")
        }
        return settings
    }

    /// `stats: { interval: 60s, log: true }`; `interval: 0` or `off` turns statistics off.
    private func decodeStatisticsSettings(_ field: Field) -> StatisticsSettings? {
        guard let stats = validator.mapping(field, keys: ["interval", "log"]) else { return nil }
        var interval: Interval? = .seconds(60)
        var valid = true
        if let field = stats.optional("interval") {
            if let text = field.node.scalarText, text == "0" || text == "off" {
                interval = nil
            } else if let value = validator.duration(field, in: .seconds(1)...Interval.seconds(86_400),
                                                     lowerNote: "or 0 or off for none") {
                interval = value
            } else {
                valid = false
            }
        }
        let log = stats.optional("log").flatMap(validator.bool)
        guard valid else { return nil }
        return StatisticsSettings(interval: interval, log: log ?? true)
    }

    private func decodeHomeAssistant(_ field: Field) -> HomeAssistantSettings? {
        guard let settings = validator.mapping(field, keys: ["discovery", "prefix", "mode"]) else { return nil }
        let discovery = settings.optional("discovery").flatMap(validator.bool)
        let prefix = settings.optional("prefix").flatMap { topicLevels($0) }
        let mode = settings.optional("mode").flatMap {
            validator.choice($0, HomeAssistantSettings.Mode.allCases.map { ($0.rawValue, $0) })
        }
        return HomeAssistantSettings(discovery: discovery ?? false, prefix: prefix ?? "homeassistant", mode: mode ?? .device)
    }
}
