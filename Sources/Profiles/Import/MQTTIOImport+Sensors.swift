/// mqtt-io's `sensor_modules` and `sensor_inputs`: one sensor per module, its channels
/// those the module's inputs read.
extension MQTTIOImport.Converter {
    /// An mqtt-io sensor module with a Sensorgate driver: the driver, and the channel
    /// each of mqtt-io's `type` values reads (the key `""` for modules without `type`).
    struct SensorModule {
        var driver: String
        var channels: [String: String]
    }

    static let sensorModules: [String: SensorModule] = [
        "bme280": SensorModule(driver: "bme280", channels: ["temperature": "temperature", "humidity": "humidity", "pressure": "pressure"]),
        "bme680": SensorModule(driver: "bme680", channels: ["temperature": "temperature", "humidity": "humidity", "pressure": "pressure",
                                                            "gas": "gas_resistance"]),
        "aht20": SensorModule(driver: "aht20", channels: ["temperature": "temperature", "humidity": "humidity"]),
        "sht4x": SensorModule(driver: "sht4x", channels: ["temperature": "temperature", "humidity": "humidity"]),
        "bh1750": SensorModule(driver: "bh1750", channels: ["": "illuminance"]),
        "lm75": SensorModule(driver: "lm75", channels: ["": "temperature"]),
        "ina219": SensorModule(driver: "ina219", channels: ["bus_voltage": "bus_voltage", "shunt_voltage": "shunt_voltage",
                                                            "current": "current", "power": "power"]),
    ]

    mutating func convertSensors(modules: ConfigNode?, inputs: ConfigNode?) -> [ProfileText] {
        var sensors: [ProfileText] = []
        let inputsByModule = Dictionary(grouping: inputs?.items ?? []) { $0["module"]?.text ?? "" }
        var known: Set<String> = []
        for module in modules?.items ?? [] {
            guard let name = module["name"]?.text, let kind = module["module"]?.text else {
                note(at: module.location, "a sensor module without name or module: skipped")
                continue
            }
            known.insert(name)
            guard let catalog = Self.sensorModules[kind] else {
                note(at: module.location(of: "module"), "sensor module '\(kind)' has no Sensorgate driver (the drivers: sensorgate drivers): '\(name)' and its inputs are not converted")
                continue
            }
            let reads = inputsByModule[name] ?? []
            guard !reads.isEmpty else {
                note(at: module.location, "sensor module '\(name)' has no sensor_inputs: not converted")
                continue
            }
            if let sensor = convertSensor(module, name: name, catalog: catalog, reads: reads) { sensors.append(sensor) }
        }
        for input in inputs?.items ?? [] {
            if let moduleName = input["module"]?.text, !known.contains(moduleName) {
                note(at: input.location(of: "module"), "sensor input '\(input["name"]?.text ?? "?")': no sensor module '\(moduleName)': skipped")
            }
        }
        return sensors
    }

    private mutating func convertSensor(_ module: ConfigNode, name: String, catalog: SensorModule, reads: [ConfigNode]) -> ProfileText? {
        var channels: [String: [ProfileText.Entry]] = [:]
        var intervals: [Int] = []
        for read in reads {
            let type = read["type"]?.text ?? ""
            guard let channel = catalog.channels[type] else {
                let types = catalog.channels.keys.filter { !$0.isEmpty }.sorted().joined(separator: ", ")
                note(at: read.location(of: "type"), "sensor input '\(read["name"]?.text ?? "?")': type '\(type)' is not one of \(types): skipped")
                continue
            }
            intervals.append(read["interval"]?.integer ?? 60)
            var settings: [ProfileText.Entry] = []
            // mqtt-io rounds to 2 decimals unless told otherwise.
            settings.append(.init("filters", .list([.mapping([.init("round", .plain("\(read["digits"]?.integer ?? 2)"))])])))
            channels[channel] = settings
            if let inputName = read["name"]?.text, inputName != channel {
                note(at: read.location(of: "name"), "sensor input '\(inputName)' is the channel '\(channel)' of sensor '\(name)': <prefix>/\(name)/\(channel)")
            }
            noteDiscovery(read, name: read["name"]?.text ?? name)
        }
        guard !channels.isEmpty, let interval = intervals.min() else { return nil }
        if Set(intervals).count > 1 {
            note(at: module.location, "the inputs of '\(name)' ask for intervals \(Set(intervals).sorted().map { "\($0) s" }.joined(separator: ", ")): one sensor is read every \(interval) s")
        }
        let id = uniqueID(for: name, at: module.location(of: "name"))
        var i2c: [ProfileText.Entry] = [.init("bus", .plain("\(module["i2c_bus_num"]?.integer ?? 1)"))]
        if let address = module["chip_addr"]?.integer { i2c.append(.init("address", .plain(Self.hex(address)))) }
        var entries: [ProfileText.Entry] = [.init("id", .scalar(id)), .init("driver", .scalar(catalog.driver)),
                                            .init("i2c", .mapping(i2c)), .init("interval", .plain("\(interval)s"))]
        let options = driverOptions(module, driver: catalog.driver)
        if !options.isEmpty { entries.append(.init("options", .mapping(options))) }
        var channelEntries: [ProfileText.Entry] = []
        for channel in Set(catalog.channels.values).sorted() {
            channelEntries.append(.init(channel, .mapping(channels[channel] ?? [.init("enabled", .plain("false"))])))
        }
        entries.append(.init("channels", .mapping(channelEntries)))
        return .mapping(entries)
    }

    /// The module's settings that are driver options here.
    private mutating func driverOptions(_ module: ConfigNode, driver: String) -> [ProfileText.Entry] {
        guard driver == "ina219" else { return [] }
        var options: [ProfileText.Entry] = []
        if let shunt = module["shunt_ohms"]?.text { options.append(.init("shunt_ohms", .plain(shunt))) }
        if let amps = module["max_amps"]?.text { options.append(.init("max_current", .plain(amps))) }
        if let range = module["voltage_range"]?.integer, [16, 32].contains(range) { options.append(.init("bus_range", .plain("\(range)V"))) }
        return options
    }
}
