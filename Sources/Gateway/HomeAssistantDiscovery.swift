import Pipeline
import Profiles
import SensorCatalog
import SensorgateCore

/// One entity of the gateway as Home Assistant sees it: a platform (`sensor`,
/// `binary_sensor`, `switch`, `number`), an object id unique within the gateway, and the
/// platform's options.
struct HomeAssistantComponent: Equatable {
    var platform: String
    var objectID: String
    var options: HomeAssistantConfig
}

/// What the gateway announces to Home Assistant, built from the profile alone, so the
/// same profile gives the same messages, and the same `unique_id`s, at every start.
///
/// - Sensor channels are `sensor`s with the driver's device class (where Home Assistant
///   takes the unit for it), `state_class: measurement`, and a `value_template` over the
///   JSON payload: `value_json.value` on the channel's topic, or `value_json.<channel>`
///   on the sensor's combined topic when the sensor publishes `combined` or `both`.
/// - A window is a `sensor` of its own showing the window's first statistic (the
///   payload's `value`); the other statistics stay in the payload.
/// - A binary input is a `binary_sensor`; a pulse counter a `sensor` with
///   `state_class: total` whose `last_reset` is the period's start (each message counts
///   one period, so the value falls at every period and `total_increasing` would read
///   every fall as a meter reset); an edge metric a `sensor`.
/// - A GPIO output is a `switch` commanded with `ON`/`OFF` on `<prefix>/<id>/set`; a PWM
///   output a `number` from 0 to 100 % (a duty cycle, which its command topic takes as is).
/// - Every entity is available while the gateway's `<prefix>/status` says `online`;
///   a sensor's entities also need its `<prefix>/<id>/status` (`availability_mode: all`).
/// - `expire_after` is ``expireFactor`` times the period a value is expected in (the
///   poll interval, times a sliding average's `every`; a window's or counter's period),
///   so one or two late readings do not blank the entity. Channels behind a `delta`
///   filter and event-driven states (inputs, outputs) have none: a steady value is not
///   republished.
struct HomeAssistantDiscovery {
    let settings: HomeAssistantSettings
    let gatewayID: String
    let device: HomeAssistantConfig
    let origin: HomeAssistantConfig
    let components: [HomeAssistantComponent]

    /// `expire_after` in periods a value is expected in.
    static let expireFactor: Int64 = 3
    static let manufacturer = "Sensorgate"

    init(profile: Profile, topics: TopicScheme, softwareVersion: String?) {
        settings = profile.mqtt.homeAssistant ?? HomeAssistantSettings(discovery: true)
        gatewayID = profile.gateway.id

        var device = HomeAssistantConfig()
        device["ids"] = .list([.text(Self.deviceIdentifier(profile.gateway.id))])
        device["name"] = .text(profile.gateway.id)
        device["mf"] = .text(Self.manufacturer)
        device["mdl"] = .text("Sensorgate gateway")
        if let softwareVersion { device["sw"] = .text(softwareVersion) }
        if let board = profile.gateway.board { device["hw"] = .text(board) }
        self.device = device

        var origin = HomeAssistantConfig()
        origin["name"] = .text("Sensorgate")
        if let softwareVersion { origin["sw"] = .text(softwareVersion) }
        self.origin = origin

        var builder = Builder(profile: profile, topics: topics)
        builder.addSensors()
        builder.addDerived()
        builder.addInputs()
        builder.addOutputs()
        components = builder.components
    }

    /// `sensorgate_<gateway id>`: the device's identifier, also the start of every `unique_id`.
    static func deviceIdentifier(_ gatewayID: String) -> String { "sensorgate_" + gatewayID }

    /// `<discovery prefix>/status`: where Home Assistant says `online` when it (re)starts.
    var birthTopic: String { settings.prefix + "/status" }
    /// `<discovery prefix>/device/<gateway id>/config`
    var deviceTopic: String { Self.deviceTopic(prefix: settings.prefix, gatewayID: gatewayID) }

    static func deviceTopic(prefix: String, gatewayID: String) -> String {
        prefix + "/device/" + gatewayID + "/config"
    }

    /// `<discovery prefix>/<platform>/<gateway id>/<object id>/config`
    static func entityTopic(prefix: String, gatewayID: String, platform: String, objectID: String) -> String {
        prefix + "/" + platform + "/" + gatewayID + "/" + objectID + "/config"
    }

    /// The device-based message: `dev`, `o`, and every component under `cmps` with its
    /// platform `p`; `removed` components appear as `{"p": platform}` alone, which is how
    /// Home Assistant is told to delete one.
    func deviceMessage(removed: [HomeAssistantAnnouncement.Entry] = []) -> HomeAssistantConfig {
        var message = HomeAssistantConfig()
        message["dev"] = .object(device)
        message["o"] = .object(origin)
        var map = HomeAssistantConfig()
        for component in components {
            var options = HomeAssistantConfig()
            options["p"] = .text(component.platform)
            for field in component.options.fields { options[field.key] = field.value }
            map[component.objectID] = .object(options)
        }
        for entry in removed where map[entry.objectID] == nil {
            var tombstone = HomeAssistantConfig()
            tombstone["p"] = .text(entry.platform)
            map[entry.objectID] = .object(tombstone)
        }
        message["cmps"] = .object(map)
        return message
    }

    /// One entity's message for per-entity discovery: its options with `dev` and `o`.
    func entityMessage(_ component: HomeAssistantComponent) -> HomeAssistantConfig {
        var message = component.options
        message["dev"] = .object(device)
        message["o"] = .object(origin)
        return message
    }

    /// What this profile announces, as remembered in the state directory.
    var announcement: HomeAssistantAnnouncement {
        HomeAssistantAnnouncement(mode: settings.mode, prefix: settings.prefix,
                                  entries: components.map { .init(platform: $0.platform, objectID: $0.objectID) })
    }
}

extension HomeAssistantDiscovery {
    /// Collects the components in profile order: sensors, inputs, outputs.
    struct Builder {
        let profile: Profile
        let topics: TopicScheme
        var components: [HomeAssistantComponent] = []

        init(profile: Profile, topics: TopicScheme) {
            self.profile = profile
            self.topics = topics
        }

        private var gatewayAvailability: HomeAssistantValue { Self.availability(topics.status) }

        private static func availability(_ topic: String) -> HomeAssistantValue {
            var entry = HomeAssistantConfig()
            entry["topic"] = .text(topic)
            entry["payload_available"] = .text("online")
            entry["payload_not_available"] = .text("offline")
            return .object(entry)
        }

        /// Object ids and topic levels may hold only `[A-Za-z0-9_-]`: anything else (a
        /// window named `1.5m`, say) becomes `_`.
        static func objectID(_ parts: [String]) -> String {
            String(parts.joined(separator: "_").map { character -> Character in
                character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-")
                    ? character : "_"
            })
        }

        private mutating func add(_ platform: String, _ parts: [String], name: String,
                                  sensorStatus: String? = nil, _ configure: (inout HomeAssistantConfig) -> Void) {
            // `<sensor>_<channel>` may equal another entry's id (an input `climate_temperature`):
            // the later one is numbered, which keeps ids stable for a given profile.
            var objectID = Self.objectID(parts)
            if components.contains(where: { $0.objectID == objectID }) {
                var number = 2
                while components.contains(where: { $0.objectID == "\(objectID)_\(number)" }) { number += 1 }
                objectID = "\(objectID)_\(number)"
            }
            var options = HomeAssistantConfig()
            options["name"] = .text(name)
            options["unique_id"] = .text(HomeAssistantDiscovery.deviceIdentifier(profile.gateway.id) + "_" + objectID)
            configure(&options)
            var availability = [gatewayAvailability]
            if let sensorStatus { availability.append(Self.availability(sensorStatus)) }
            options["availability"] = .list(availability)
            options["availability_mode"] = .text("all")
            options["qos"] = .integer(profile.mqtt.qos.rawValue)
            components.append(HomeAssistantComponent(platform: platform, objectID: objectID, options: options))
        }

        /// Whole seconds, rounded up, at least 1.
        static func seconds(_ interval: Interval) -> Int {
            let nanoseconds = max(Int64(1), interval.nanoseconds)
            return Int((nanoseconds + 999_999_999) / 1_000_000_000)
        }

        static func expireAfter(_ period: Interval) -> HomeAssistantValue {
            .integer(seconds(Interval(nanoseconds: period.nanoseconds * HomeAssistantDiscovery.expireFactor)))
        }

        mutating func addSensors() {
            // Captured by the option closures while `components` grows.
            let topics = self.topics
            for sensor in profile.sensors {
                guard let driver = SensorCatalog.driver(named: sensor.driver) else { continue }
                let status = topics.sensorStatus(sensor.id)
                for descriptor in driver.channels(for: sensor.options) {
                    let spec = sensor.channels.first { $0.name == descriptor.name } ?? ChannelSpec(name: descriptor.name)
                    guard spec.enabled else { continue }
                    let deviceClass = descriptor.deviceClass.flatMap {
                        HomeAssistantUnits.accepts(deviceClass: $0, unit: descriptor.unit) ? $0 : nil
                    }
                    // How often a value is expected: every poll, or every `every`-th one
                    // behind a sliding average; never, for sure, behind a delta filter.
                    let period = FilterCatalog.publishingPeriod(of: spec.filters, input: sensor.interval)
                    add("sensor", [sensor.id, descriptor.name], name: "\(sensor.id) \(descriptor.name)", sensorStatus: status) {
                        if sensor.publish.combined {
                            $0["state_topic"] = .text(topics.state(sensor.id))
                            $0["value_template"] = .text("{{ value_json.\(descriptor.name) }}")
                        } else {
                            $0["state_topic"] = .text(topics.channel(sensor.id, descriptor.name))
                            $0["value_template"] = .text("{{ value_json.value }}")
                        }
                        if let deviceClass { $0["device_class"] = .text(deviceClass) }
                        if !descriptor.unit.isEmpty { $0["unit_of_measurement"] = .text(descriptor.unit) }
                        $0["state_class"] = .text("measurement")
                        if let decimals = descriptor.decimals { $0["suggested_display_precision"] = .integer(decimals) }
                        if let period { $0["expire_after"] = Self.expireAfter(period) }
                    }
                    for window in spec.windows {
                        guard let first = window.stats.first else { continue }
                        let keepsUnit = first != .count && first != .rate  // a rate is per second
                        let keepsClass = keepsUnit && first != .sum && first != .stddev
                        add("sensor", [sensor.id, descriptor.name, window.name],
                            name: "\(sensor.id) \(descriptor.name) \(window.name) \(first.rawValue)", sensorStatus: status) {
                            $0["state_topic"] = .text(topics.window(sensor.id, descriptor.name, window.name))
                            $0["value_template"] = .text("{{ value_json.value }}")
                            if keepsClass, let deviceClass { $0["device_class"] = .text(deviceClass) }
                            if keepsUnit, !descriptor.unit.isEmpty { $0["unit_of_measurement"] = .text(descriptor.unit) }
                            $0["state_class"] = .text("measurement")
                            $0["expire_after"] = Self.expireAfter(window.every)
                        }
                    }
                }
            }
        }

        /// A derived channel is a `sensor` with the built-in's device class; it has no
        /// status of its own (it is stale when its operands' sensors are).
        mutating func addDerived() {
            let topics = self.topics
            for derived in profile.derived {
                let unit = derived.unit ?? ""
                let deviceClass = derived.formula.deviceClass.flatMap {
                    HomeAssistantUnits.accepts(deviceClass: $0, unit: unit) ? $0 : nil
                }
                add("sensor", [derived.id], name: derived.id) {
                    $0["state_topic"] = .text(topics.state(derived.id))
                    $0["value_template"] = .text("{{ value_json.value }}")
                    if let deviceClass { $0["device_class"] = .text(deviceClass) }
                    if !unit.isEmpty { $0["unit_of_measurement"] = .text(unit) }
                    $0["state_class"] = .text("measurement")
                    if let decimals = derived.formula.decimals { $0["suggested_display_precision"] = .integer(decimals) }
                }
            }
        }

        mutating func addInputs() {
            // Captured by the option closures while `components` grows.
            let topics = self.topics
            for input in profile.inputs {
                let topic = topics.state(input.id)
                if let count = input.count {
                    add("sensor", [input.id], name: input.id) {
                        $0["state_topic"] = .text(topic)
                        $0["value_template"] = .text("{{ value_json.value }}")
                        $0["unit_of_measurement"] = .text(count.unit)
                        $0["state_class"] = .text("total")
                        $0["last_reset_value_template"] = .text("{{ value_json.start }}")
                        $0["expire_after"] = Self.expireAfter(count.every)
                    }
                } else {
                    add("binary_sensor", [input.id], name: input.id) {
                        $0["state_topic"] = .text(topic)
                        if let on = input.payloadOn, let off = input.payloadOff {
                            $0["value_template"] = .text("{{ value_json.value }}")
                            $0["payload_on"] = .text(on)
                            $0["payload_off"] = .text(off)
                        } else {
                            $0["value_template"] = .text("{{ 'ON' if value_json.value else 'OFF' }}")
                            $0["payload_on"] = .text("ON")
                            $0["payload_off"] = .text("OFF")
                        }
                    }
                }
                for metric in input.metrics {
                    add("sensor", [input.id, metric.kind.rawValue], name: "\(input.id) \(metric.kind.rawValue.replacingUnderscores)") {
                        $0["state_topic"] = .text(topics.metric(input.id, metric.kind.rawValue))
                        $0["value_template"] = .text("{{ value_json.value }}")
                        $0["state_class"] = .text("measurement")
                        switch metric.kind {
                        case .frequency:
                            $0["device_class"] = .text("frequency")
                            $0["unit_of_measurement"] = .text("Hz")
                            $0["expire_after"] = Self.expireAfter(metric.every)
                        case .dutyCycle:
                            $0["unit_of_measurement"] = .text("%")
                            $0["expire_after"] = Self.expireAfter(metric.every)
                        case .pulseWidth:
                            // The first statistic asked for; a period without a pulse publishes nothing.
                            if metric.stats.first != .count {
                                $0["device_class"] = .text("duration")
                                $0["unit_of_measurement"] = .text("s")
                            }
                        }
                    }
                }
            }
        }

        mutating func addOutputs() {
            // Captured by the option closures while `components` grows.
            let topics = self.topics
            for output in profile.outputs {
                add("switch", [output.id], name: output.id) {
                    $0["state_topic"] = .text(topics.state(output.id))
                    $0["command_topic"] = .text(topics.command(output.id))
                    $0["payload_on"] = .text("ON")
                    $0["payload_off"] = .text("OFF")
                    if let on = output.payloadOn, let off = output.payloadOff {
                        $0["value_template"] = .text("{{ value_json.value }}")
                        $0["state_on"] = .text(on)
                        $0["state_off"] = .text(off)
                    } else {
                        $0["value_template"] = .text("{{ 'ON' if value_json.value else 'OFF' }}")
                        $0["state_on"] = .text("ON")
                        $0["state_off"] = .text("OFF")
                    }
                    // Commands act only when not retained.
                    $0["retain"] = .flag(false)
                }
            }
            for output in profile.pwmOutputs {
                add("number", [output.id], name: output.id) {
                    $0["state_topic"] = .text(topics.state(output.id))
                    $0["command_topic"] = .text(topics.command(output.id))
                    $0["value_template"] = .text("{{ value_json.value }}")
                    $0["min"] = .number(0)
                    $0["max"] = .number(100)
                    $0["step"] = .number(0.1)
                    $0["unit_of_measurement"] = .text("%")
                    $0["mode"] = .text("slider")
                    $0["retain"] = .flag(false)
                }
            }
        }
    }
}

private extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
