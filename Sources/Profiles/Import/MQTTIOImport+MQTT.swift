/// mqtt-io's `mqtt:` section.
extension MQTTIOImport.Converter {
    mutating func convertMQTT(_ mqtt: ConfigNode) -> [ProfileText.Entry] {
        var entries: [ProfileText.Entry] = []
        let tls = mqtt["tls"]
        let secure = tls?["enabled"]?.bool ?? false
        if let host = mqtt["host"]?.text {
            let port = mqtt["port"]?.integer ?? 1883
            let shownHost = host.contains(":") ? "[\(host)]" : host
            entries.append(.init("broker", .scalar("\(secure ? "mqtts" : "mqtt")://\(shownHost):\(port)")))
        }
        if let client = mqtt["client_id"]?.text, !client.isEmpty { entries.append(.init("client_id", .scalar(client))) }
        if let prefix = mqtt["topic_prefix"]?.text, !prefix.isEmpty {
            entries.append(.init("topic_prefix", .scalar(prefix)))
            note(at: mqtt.location(of: "topic_prefix"), "topics differ: mqtt-io publishes <prefix>/input/<name>, <prefix>/output/<name> and <prefix>/sensor/<name>; Sensorgate publishes <prefix>/<id> (inputs, outputs) and <prefix>/<id>/<channel> (sensors), with JSON payloads (see DeviceProfiles/README.md, Topics and payloads)")
        }
        if let user = mqtt["user"]?.text, !user.isEmpty { entries.append(.init("username", .scalar(user))) }
        if let password = mqtt["password"]?.text, !password.isEmpty {
            note(at: mqtt.location(of: "password"), "the password is not written into the profile: put it alone in a file readable only by the gateway (chmod 600) and set mqtt.password_file, or set mqtt.password_env")
        }
        if let keepalive = mqtt["keepalive"]?.integer {
            let seconds = max(5, min(65_535, keepalive))
            if seconds != keepalive { note(at: mqtt.location(of: "keepalive"), "keepalive \(keepalive) s is outside 5...65535 s: \(seconds) s") }
            entries.append(.init("keepalive", .plain("\(seconds)s")))
        }
        if let clean = mqtt["clean_session"]?.bool { entries.append(.init("persistent_session", .plain(clean ? "false" : "true"))) }
        if let protocolVersion = mqtt["protocol"]?.text, protocolVersion != "3.1.1" {
            note(at: mqtt.location(of: "protocol"), "MQTT \(protocolVersion) is not spoken: Sensorgate uses MQTT 3.1.1")
        }
        for key in ["status_topic", "status_payload_running", "status_payload_stopped", "status_payload_dead"] where mqtt[key] != nil {
            note(at: mqtt.location(of: key), "\(key): the status topic is <prefix>/status with 'online' and 'offline' (retained, the will on an unclean end)")
        }
        for key in ["reconnect_delay", "reconnect_count"] where mqtt[key] != nil {
            note(at: mqtt.location(of: key), "\(key): Sensorgate reconnects forever with an exponential backoff and full jitter (0.5 s to 30 s)")
        }
        if mqtt["client_module"] != nil { note(at: mqtt.location(of: "client_module"), "client_module: not applicable (libmosquitto)") }
        if let discovery = mqtt["ha_discovery"], discovery["enabled"]?.bool == true {
            var settings: [ProfileText.Entry] = [.init("discovery", .plain("true"))]
            if let prefix = discovery["prefix"]?.text, prefix != "homeassistant" { settings.append(.init("prefix", .scalar(prefix))) }
            if discovery["name"] != nil { note(at: discovery.location(of: "name"), "ha_discovery.name: the device is named after gateway.id") }
            entries.append(.init("home_assistant", .mapping(settings)))
        }
        if let tls, secure { entries += convertTLS(tls) }
        return entries
    }

    private mutating func convertTLS(_ tls: ConfigNode) -> [ProfileText.Entry] {
        var settings: [ProfileText.Entry] = []
        for (theirs, ours) in [("ca_certs", "ca_file"), ("certfile", "cert_file"), ("keyfile", "key_file")] {
            if let path = tls[theirs]?.text { settings.append(.init(ours, .scalar(path))) }
        }
        if tls["insecure"]?.bool == true { settings.append(.init("insecure", .plain("true"))) }
        if let requirement = tls["cert_reqs"]?.text, requirement != "CERT_REQUIRED" {
            note(at: tls.location(of: "cert_reqs"), "cert_reqs \(requirement): the broker's certificate is always verified; only insecure: true skips the host name check")
        }
        for key in ["tls_version", "ciphers"] where tls[key] != nil {
            note(at: tls.location(of: key), "tls.\(key): not converted (OpenSSL's defaults apply)")
        }
        return settings.isEmpty ? [] : [.init("tls", .mapping(settings))]
    }
}
