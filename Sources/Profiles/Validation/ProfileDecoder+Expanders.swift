import SensorDrivers
import SensorgateCore

extension ProfileDecoder {
    static let expanderKeys = ["id", "driver", "i2c", "interrupt", "poll", "frequency"]
    static let interruptKeys = ["chip", "line"]
    /// Shortest and longest `poll`: below 1 ms a 100 kHz bus does little else; past a
    /// minute an input without an interrupt line is not an input.
    static let expanderPollRange = Interval.milliseconds(1)...Interval.seconds(60)

    func decodeExpanders(_ field: Field) -> [ExpanderSpec] {
        guard let items = validator.sequence(field, what: "a list of expanders") else { return [] }
        let expanders = items.compactMap(decodeExpander)
        for (claim, message) in I2CAddressClaim.conflicts(expanderClaims) {
            validator.report(at: claim.location, claim.path, message)
        }
        return expanders
    }

    /// Two parts at one address answer one transaction together: no sensor may sit at an
    /// expander's address on its bus (behind a multiplexer neither: the expander, directly
    /// on the bus, answers whichever channel is selected), nor a multiplexer there.
    /// Reported at the expander, since the sensors come later in the file.
    func checkExpanderAddresses(against sensors: [SensorSpec]) {
        for claim in expanderClaims {
            for sensor in sensors where sensor.bus == claim.bus {
                if sensor.address == claim.address {
                    let behind = sensor.mux.map { " \(I2CAddressClaim.behind($0)); \(I2CAddressClaim.answersEverywhere)" } ?? ""
                    validator.report(at: claim.location, claim.path,
                                     "\(claim.place) is also used by sensor '\(sensor.id)'\(behind)")
                } else if let mux = sensor.mux, mux.address == claim.address {
                    validator.report(at: claim.location, claim.path,
                                     "\(claim.place) is the address of the TCA9548A multiplexer that sensor '\(sensor.id)' is behind")
                }
            }
        }
    }

    private func decodeExpander(_ item: Field) -> ExpanderSpec? {
        guard let entry = validator.mapping(item, keys: Self.expanderKeys) else { return nil }
        let id = claimID(entry, kind: .expander)
        let driver = entry.required("driver", validator).flatMap {
            validator.choice($0, ExpanderSpec.Driver.allCases.map { ($0.rawValue, $0) })
        }
        if let id, let driver { expanderDrivers[id] = driver }
        let i2c = entry.required("i2c", validator).flatMap { decodeExpanderI2C($0, driver: driver) }
        let poll = entry.optional("poll").flatMap { validator.duration($0, in: Self.expanderPollRange) }
        var interrupt: GPIOLineSpec?
        var interruptFailed = false
        if let field = entry.optional("interrupt") {
            interrupt = decodeInterrupt(field, owner: id.map { "\(entry.path) '\($0)' interrupt" } ?? entry.path)
            interruptFailed = interrupt == nil
        }
        var frequency: Double?
        var misplaced = false
        if let driver {
            // A PWM controller has a frequency and no inputs; a GPIO expander the reverse.
            let foreign = driver.isPWM ? ["interrupt", "poll"] : ["frequency"]
            for key in foreign {
                guard let field = entry.optional(key) else { continue }
                validator.report(at: field.location, field.path,
                                 "a \(driver.rawValue) has no \(key) (\(driver.isPWM ? "interrupt and poll are for GPIO expanders" : "frequency is for a pca9685"))")
                misplaced = true
            }
        }
        if let field = entry.optional("frequency"), driver?.isPWM == true {
            frequency = validator.number(field, "a frequency from 24 to 1526 (Hz; the PCA9685's prescaler range)",
                                         where: { ExpanderSpec.frequencyRange.contains($0) })
            if frequency == nil { misplaced = true }
        }
        guard let id, let driver, let i2c, !interruptFailed, !misplaced else { return nil }
        if entry.contains("poll") && poll == nil { return nil }
        let spec = ExpanderSpec(id: id, driver: driver, bus: i2c.bus, address: i2c.address ?? driver.defaultAddress,
                                interrupt: interrupt,
                                poll: poll ?? (interrupt == nil ? ExpanderSpec.defaultPoll : ExpanderSpec.defaultFallbackPoll),
                                frequency: frequency ?? ExpanderSpec.defaultFrequency)
        if driver.isPWM { expanderPeriods[id] = PCA9685(frequency: spec.frequency).period }
        expanderClaims.append(I2CAddressClaim(bus: spec.bus, address: spec.address, mux: nil, owner: "\(entry.path) '\(id)'",
                                              path: i2c.place.path, location: i2c.place.location))
        return spec
    }

    private func decodeExpanderI2C(_ field: Field, driver: ExpanderSpec.Driver?) -> (bus: Int, address: UInt8?, place: Field)? {
        guard let i2c = validator.mapping(field, keys: ["bus", "address"]) else { return nil }
        let bus = i2c.required("bus", validator).flatMap { validator.integer($0, in: 0...255) }
        var address: UInt8?
        if let field = i2c.optional("address"), let value = validator.i2cAddress(field) {
            if let driver, !driver.addresses.contains(value) {
                validator.expected("an address the \(driver.rawValue) answers at (\(I2CAddressSyntax.format(driver.addresses.lowerBound)) to \(I2CAddressSyntax.format(driver.addresses.upperBound)))", field)
            } else {
                address = value
            }
        }
        guard let bus else { return nil }
        if i2c.contains("address") && address == nil { return nil }
        return (bus, address, i2c.optional("address") ?? field)
    }

    /// `interrupt: { line: GPIO17 }`: a kernel GPIO input like any other (claimed, so no
    /// input or output can take it), with the bias and edge an open-drain, active-low INT needs.
    private func decodeInterrupt(_ field: Field, owner: String) -> GPIOLineSpec? {
        guard validator.mapping(field, keys: Self.interruptKeys) != nil else { return nil }
        guard var line = decodeGPIO(field, output: false, owner: owner, id: nil) else { return nil }
        line.bias = .pullUp
        line.edge = .falling
        return line
    }
}
