import Foundation

/// Rules a Home Assistant MQTT discovery message must follow, written from Home
/// Assistant's MQTT documentation (the integration page's discovery sections, and the
/// sensor, binary_sensor, switch and number platform pages) and its sensor device
/// classes, independently of the gateway's own tables: what the gateway publishes is
/// checked against these, never against itself.
enum HomeAssistantSchema {
    /// Options every entity platform takes (integration page, "discovery" and
    /// "availability"), by full name.
    static let common: Set<String> = [
        "name", "unique_id", "availability", "availability_mode", "availability_topic",
        "availability_template", "payload_available", "payload_not_available", "device", "origin",
        "enabled_by_default", "entity_category", "entity_picture", "icon", "json_attributes_template",
        "json_attributes_topic", "qos", "encoding", "default_entity_id", "platform",
    ]

    /// The options of each platform used here, by full name (platform pages).
    static let platformOptions: [String: Set<String>] = [
        "sensor": ["state_topic", "value_template", "device_class", "unit_of_measurement", "state_class",
                   "expire_after", "force_update", "last_reset_value_template", "suggested_display_precision", "options"],
        "binary_sensor": ["state_topic", "value_template", "device_class", "payload_on", "payload_off", "expire_after",
                          "force_update", "off_delay"],
        "switch": ["state_topic", "command_topic", "command_template", "value_template", "device_class", "payload_on",
                   "payload_off", "state_on", "state_off", "optimistic", "retain"],
        "number": ["state_topic", "command_topic", "command_template", "value_template", "device_class", "min", "max",
                   "step", "mode", "unit_of_measurement", "optimistic", "retain", "payload_reset"],
    ]

    /// Which options are required (platform pages: "required").
    static let required: [String: [String]] = [
        "sensor": ["state_topic"],
        "binary_sensor": ["state_topic"],
        "switch": ["command_topic"],
        "number": ["command_topic"],
    ]

    /// Documented abbreviations of the keys a gateway might use (integration page,
    /// "Supported abbreviations in MQTT discovery messages").
    static let abbreviations: [String: String] = [
        "p": "platform", "dev": "device", "o": "origin", "cmps": "components", "uniq_id": "unique_id",
        "stat_t": "state_topic", "cmd_t": "command_topic", "val_tpl": "value_template", "dev_cla": "device_class",
        "unit_of_meas": "unit_of_measurement", "stat_cla": "state_class", "exp_aft": "expire_after",
        "avty": "availability", "avty_mode": "availability_mode", "avty_t": "availability_topic",
        "pl_on": "payload_on", "pl_off": "payload_off", "stat_on": "state_on", "stat_off": "state_off",
        "pl_avail": "payload_available", "pl_not_avail": "payload_not_available", "t": "topic",
        "lrst_val_tpl": "last_reset_value_template", "sug_dsp_prc": "suggested_display_precision", "ret": "retain",
        "def_ent_id": "default_entity_id",
    ]

    /// Device keys (integration page, "device" mapping), with their abbreviations.
    static let deviceKeys: [String: String] = [
        "ids": "identifiers", "identifiers": "identifiers", "name": "name", "mf": "manufacturer",
        "manufacturer": "manufacturer", "mdl": "model", "model": "model", "sw": "sw_version", "sw_version": "sw_version",
        "hw": "hw_version", "hw_version": "hw_version", "sn": "serial_number", "serial_number": "serial_number",
        "via_device": "via_device", "sa": "suggested_area", "suggested_area": "suggested_area",
        "cu": "configuration_url", "configuration_url": "configuration_url", "cns": "connections", "connections": "connections",
        "mdl_id": "model_id", "model_id": "model_id",
    ]

    /// Origin keys (integration page, "origin" mapping).
    static let originKeys: [String: String] = [
        "name": "name", "sw": "sw_version", "sw_version": "sw_version", "url": "support_url", "support_url": "support_url",
    ]

    /// Keys that shared at the root of a device-based message (integration page).
    static let deviceRootKeys: Set<String> = ["device", "origin", "components", "availability", "availability_mode",
                                              "availability_topic", "state_topic", "command_topic", "qos", "encoding"]

    /// Sensor device classes and the units Home Assistant accepts for them (sensor page,
    /// "Device class"), for the classes a gateway's parts measure.
    static let sensorUnits: [String: Set<String>] = [
        "temperature": ["°C", "°F", "K"],
        "humidity": ["%"],
        "pressure": ["cbar", "bar", "hPa", "mmHg", "inHg", "kPa", "mbar", "Pa", "psi"],
        "atmospheric_pressure": ["cbar", "bar", "hPa", "mmHg", "inHg", "kPa", "mbar", "Pa", "psi"],
        "carbon_dioxide": ["ppm"],
        "illuminance": ["lx"],
        "voltage": ["V", "mV", "µV", "kV", "MV"],
        "current": ["A", "mA"],
        "power": ["W", "kW", "MW", "GW", "TW", "mW", "BTU/h"],
        "frequency": ["Hz", "kHz", "MHz", "GHz"],
        "duration": ["d", "h", "min", "s", "ms", "µs"],
        "precipitation": ["cm", "in", "mm"],
    ]

    static let stateClasses: Set<String> = ["measurement", "measurement_angle", "total", "total_increasing"]
    static let availabilityModes: Set<String> = ["all", "any", "latest"]

    /// Expands abbreviations; nil for a key that is neither a full name nor a documented abbreviation.
    static func fullName(_ key: String) -> String? {
        if let full = abbreviations[key] { return full }
        return key
    }

    /// Every problem with one entity's config (options already merged with the shared
    /// ones for device-based discovery); empty when it follows the rules.
    static func problems(platform: String, config: [String: Any], deviceBased: Bool) -> [String] {
        var problems: [String] = []
        var options: [String: Any] = [:]
        for (key, value) in config {
            guard let full = fullName(key) else {
                problems.append("unknown key '\(key)'")
                continue
            }
            if options[full] != nil { problems.append("'\(full)' given twice (once abbreviated)") }
            options[full] = value
        }
        guard let allowed = platformOptions[platform] else { return ["unknown platform '\(platform)'"] }
        for key in options.keys where !common.contains(key) && !allowed.contains(key) {
            problems.append("\(platform) has no option '\(key)'")
        }
        if options["object_id"] != nil || config["obj_id"] != nil {
            problems.append("object_id no longer works (removed in 2026.4): use default_entity_id")
        }
        for key in required[platform] ?? [] where !(options[key] is String) {
            problems.append("\(platform) needs '\(key)'")
        }
        if !(options["unique_id"] is String) || (options["unique_id"] as? String)?.isEmpty == true {
            problems.append(deviceBased ? "a component of a device-based discovery needs a unique_id" : "no unique_id")
        }
        if let mode = options["availability_mode"] as? String, !availabilityModes.contains(mode) {
            problems.append("availability_mode '\(mode)' is not all, any or latest")
        }
        if let availability = options["availability"] {
            guard let entries = availability as? [[String: Any]], !entries.isEmpty else {
                return problems + ["availability must be a non-empty list of mappings"]
            }
            for entry in entries where !(entry["topic"] is String || entry["t"] is String) {
                problems.append("an availability entry needs a topic: \(entry)")
            }
        }
        if platform == "sensor" {
            let unit = options["unit_of_measurement"] as? String
            if let deviceClass = options["device_class"] as? String {
                if let units = sensorUnits[deviceClass] {
                    if let unit, !units.contains(unit) { problems.append("device_class \(deviceClass) does not take unit '\(unit)'") }
                    if unit == nil { problems.append("device_class \(deviceClass) needs a unit") }
                } else {
                    problems.append("device_class '\(deviceClass)' is not checked here")
                }
            }
            if let stateClass = options["state_class"] as? String, !stateClasses.contains(stateClass) {
                problems.append("state_class '\(stateClass)' is not a state class")
            }
            if options["last_reset_value_template"] != nil, options["state_class"] as? String != "total" {
                problems.append("last_reset_value_template needs state_class total")
            }
            if let expire = options["expire_after"], !((expire as? Int).map { $0 > 0 } ?? false) {
                problems.append("expire_after must be a positive whole number of seconds, got \(expire)")
            }
        }
        if platform == "binary_sensor" || platform == "switch" {
            if (options["payload_on"] as? String) == (options["payload_off"] as? String), options["payload_on"] != nil {
                problems.append("payload_on equals payload_off")
            }
        }
        if platform == "number" {
            let min = (options["min"] as? Double) ?? 1, max = (options["max"] as? Double) ?? 100
            if min >= max { problems.append("min \(min) is not below max \(max)") }
            if let step = options["step"] as? Double, step <= 0 { problems.append("step must be positive") }
        }
        return problems
    }

    /// Problems with a `dev` mapping: keys, identifiers, and no `via_device` naming itself.
    static func deviceProblems(_ device: [String: Any]) -> [String] {
        var problems: [String] = []
        for key in device.keys where deviceKeys[key] == nil { problems.append("device has no key '\(key)'") }
        let identifiers = (device["ids"] ?? device["identifiers"]).flatMap { value -> [String]? in
            if let list = value as? [String] { return list }
            return (value as? String).map { [$0] }
        } ?? []
        if identifiers.isEmpty && device["cns"] == nil && device["connections"] == nil {
            problems.append("device needs identifiers or connections")
        }
        if let via = device["via_device"] as? String, identifiers.contains(via) {
            problems.append("the device is its own via_device")
        }
        return problems
    }

    /// Problems with an `o` mapping: it needs a name.
    static func originProblems(_ origin: [String: Any]) -> [String] {
        var problems: [String] = []
        for key in origin.keys where originKeys[key] == nil { problems.append("origin has no key '\(key)'") }
        if !(origin["name"] is String) { problems.append("origin needs a name") }
        return problems
    }

    /// The `value_json.<key>` members a template reads.
    static func templateKeys(_ template: String) -> [String] {
        template.matches(of: #/value_json\.([A-Za-z_][A-Za-z0-9_]*)/#).map { String($0.output.1) }
    }
}
