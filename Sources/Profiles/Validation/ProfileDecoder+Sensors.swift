import Pipeline
import SensorCatalog
import SensorgateCore

extension ProfileDecoder {
    static let sensorKeys = ["id", "driver", "i2c", "interval", "options", "channels", "qos", "retain", "offline_after", "publish"]
    static let channelKeys = ["enabled", "filters", "windows"]

    /// Longest sensor interval and window.
    static let longestInterval = Interval.hours24
    /// Shortest interval for a sensor whose driver is unknown (its real minimum is checked once it is fixed).
    static let shortestInterval = Interval.milliseconds(1)

    // MARK: sensors

    func decodeSensors(_ field: Field) -> [SensorSpec] {
        guard let items = validator.sequence(field, what: "a list of sensors") else { return [] }
        var claims: [I2CAddressClaim] = []
        let sensors = items.compactMap { decodeSensor($0, claims: &claims) }
        for (claim, message) in I2CAddressClaim.conflicts(claims) {
            validator.report(at: claim.location, claim.path, message)
        }
        return sensors
    }

    /// Decodes one sensor; where it answers on its bus is added to `claims`.
    private func decodeSensor(_ item: Field, claims: inout [I2CAddressClaim]) -> SensorSpec? {
        guard let entry = validator.mapping(item, keys: Self.sensorKeys) else { return nil }
        let id = claimID(entry, kind: .sensor)
        let driverName = entry.required("driver", validator).flatMap {
            // The catalog grows with every driver: the message points at the list instead.
            validator.choice($0, SensorCatalog.drivers.map { ($0.name, $0.name) },
                             what: "a driver that `sensorgate drivers` lists")
        }
        let driver = driverName.flatMap(SensorCatalog.driver(named:))

        let i2c = entry.required("i2c", validator).flatMap { decodeI2C($0, driver: driver) }
        let interval = entry.optional("interval").flatMap { field in
            if let driver {
                return validator.duration(field, in: driver.minimumInterval...Self.longestInterval,
                                          lowerNote: "the \(driver.name)'s minimum")
            }
            return validator.duration(field, in: Self.shortestInterval...Self.longestInterval)
        }
        let options = entry.optional("options").flatMap { field in driver.flatMap { decodeOptions(field, driver: $0) } }
        if let driver { requireOptions(entry, driver: driver) }
        // Options that failed leave the channels unknown: they may depend on them.
        let optionsFailed = entry.contains("options") && options == nil
        let known = optionsFailed ? nil
            : driver.map { SensorChannelNames(driver: $0.name, channels: $0.channels(for: options ?? DriverOptions())) }
        if let id { sensorChannels[id] = .some(known) }
        let windowInterval = interval ?? (entry.contains("interval") ? nil : driver?.defaultInterval)
        let channels = entry.optional("channels").flatMap {
            decodeChannels($0, known: known, interval: windowInterval)
        } ?? []
        let qos = entry.optional("qos").flatMap(qos)
        let retain = entry.optional("retain").flatMap(validator.bool)
        let offlineAfter = entry.optional("offline_after").flatMap { validator.integer($0, in: 1...100) }
        let publish = entry.optional("publish").flatMap {
            validator.choice($0, SensorPublishing.allCases.map { ($0.rawValue, $0) })
        }
        // The combined message names its channels beside its own `ts` and `seq`.
        if let field = entry.optional("publish"), publish?.combined == true,
           let clash = known?.channels.first(where: { $0.name == "ts" || $0.name == "seq" }) {
            validator.report(at: field.location, field.path,
                             "the channel '\(clash.name)' would clash with the combined message's own '\(clash.name)'; rename the channel or use publish: per_channel")
        }

        guard let id, let driver, let i2c else { return nil }
        let address = i2c.address ?? driver.defaultAddress
        claims.append(I2CAddressClaim(bus: i2c.bus, address: address, mux: i2c.mux, owner: "\(entry.path) '\(id)'",
                                      path: i2c.place.path, location: i2c.place.location))
        // Channels as written, then the driver's other channels with no processing.
        let remaining = (known?.channels ?? []).filter { channel in !channels.contains { $0.name == channel.name } }
        return SensorSpec(id: id, driver: driver.name, bus: i2c.bus, address: address, mux: i2c.mux,
                          interval: interval ?? driver.defaultInterval, options: options ?? DriverOptions(),
                          channels: channels + remaining.map { ChannelSpec(name: $0.name) }, qos: qos, retain: retain,
                          offlineAfter: offlineAfter ?? SensorSpec.defaultOfflineAfter, publish: publish ?? .perChannel)
    }

    /// `i2c: { bus, address, mux }`; `place` is where an address problem is reported: the
    /// `address` key, or the mapping when the address is the driver's default.
    private func decodeI2C(_ field: Field, driver: DriverDescriptor?)
        -> (bus: Int, address: UInt8?, mux: I2CMuxChannel?, place: Field)? {
        guard let i2c = validator.mapping(field, keys: ["bus", "address", "mux"]) else { return nil }
        let bus = i2c.required("bus", validator).flatMap { validator.integer($0, in: 0...255) }
        var address: UInt8?
        if let field = i2c.optional("address"), let value = validator.i2cAddress(field) {
            if let driver, !driver.allowedAddresses.contains(value) {
                let list = Self.orList(driver.allowedAddresses.map(I2CAddressSyntax.format))
                validator.expected("an address the \(driver.name) answers at (\(list))", field)
            } else {
                address = value
            }
        }
        let mux = i2c.optional("mux").flatMap(decodeMux)
        guard let bus else { return nil }
        if i2c.contains("address") && address == nil { return nil }
        if i2c.contains("mux") && mux == nil { return nil }
        return (bus, address, mux, i2c.optional("address") ?? field)
    }

    /// `mux: { address: 0x70, channel: 3 }`: a TCA9548A channel.
    private func decodeMux(_ field: Field) -> I2CMuxChannel? {
        guard let mux = validator.mapping(field, keys: ["address", "channel"],
                                          what: "a mapping such as { address: 0x70, channel: 3 }") else { return nil }
        var address: UInt8?
        if let field = mux.required("address", validator), let value = validator.i2cAddress(field) {
            if I2CMuxChannel.addresses.contains(value) {
                address = value
            } else {
                validator.expected("a TCA9548A address from 0x70 to 0x77 (1110 A2 A1 A0)", field)
            }
        }
        let channel = mux.required("channel", validator).flatMap {
            validator.integer($0, in: I2CMuxChannel.channels)
        }
        guard let address, let channel else { return nil }
        return I2CMuxChannel(address: address, channel: channel)
    }

    // MARK: channels

    private func decodeChannels(_ field: Field, known: SensorChannelNames?, interval: Interval?) -> [ChannelSpec]? {
        guard let pairs = validator.pairs(field, what: "a mapping of channel names") else { return nil }
        var channels: [ChannelSpec] = []
        for pair in pairs {
            let channelField = Field(node: pair.value, path: KeyPath.child(field.path, pair.key))
            if let known, !known.contains(pair.key) {
                reportUnknownChannel(pair, in: field, known: known)
                continue
            }
            if let channel = decodeChannel(channelField, name: pair.key, interval: interval) { channels.append(channel) }
        }
        return channels
    }

    /// `unknown channel 'x' of driver d, expected one of ...`, at the key.
    func reportUnknownChannel(_ pair: ConfigPair, in field: Field, known: SensorChannelNames) {
        validator.report(at: pair.keyLocation, field.path,
                         "unknown channel '\(KeyPath.shown(pair.key))' of driver \(known.driver), expected one of "
                             + known.names.joined(separator: ", ") + DidYouMean.hint(for: pair.key, among: known.names))
    }

    private func decodeChannel(_ field: Field, name: String, interval: Interval?) -> ChannelSpec? {
        guard let channel = validator.mapping(field, keys: Self.channelKeys) else { return nil }
        let enabled = channel.optional("enabled").flatMap(validator.bool)
        let filters = channel.optional("filters").flatMap { decodeFilters($0) } ?? []
        let windows = channel.optional("windows").flatMap { decodeWindows($0, interval: interval) } ?? []
        return ChannelSpec(name: name, enabled: enabled ?? true, filters: filters, windows: windows)
    }

    /// One topic level: not empty, no `/`, `+` or `#`.
    func topicLevel(_ field: Field) -> String? {
        let what = "a name usable as a topic level (no '/', '+' or '#')"
        guard let text = field.node.scalarText, !field.node.isNull, !text.isEmpty,
              !text.contains("/"), !text.contains("+"), !text.contains("#") else {
            validator.expected(what, field)
            return nil
        }
        guard validator.within(ProfileLimits.maximumIDLength, characters: text.unicodeScalars.count, field) else {
            return nil
        }
        return text
    }
}
