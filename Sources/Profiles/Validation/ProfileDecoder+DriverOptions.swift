import SensorgateCore

extension ProfileDecoder {
    /// A sensor's `options:` mapping, checked against what its driver declares: every
    /// key must be a declared option (with a did-you-mean) and every value of the
    /// option's kind and range. Nil if anything was wrong (all of it is reported).
    func decodeOptions(_ field: Field, driver: DriverDescriptor) -> DriverOptions? {
        guard let pairs = validator.pairs(field, what: "a mapping of driver options") else { return nil }
        let names = driver.options.map(\.name)
        var given: [String: DriverOptionValue] = [:]
        var failed = false
        for pair in pairs {
            guard let option = driver.option(named: pair.key) else {
                let expected = names.isEmpty
                    ? "the \(driver.name) takes no options"
                    : "expected one of " + names.joined(separator: ", ") + DidYouMean.hint(for: pair.key, among: names)
                validator.report(at: pair.keyLocation, field.path,
                                 "unknown option '\(KeyPath.shown(pair.key))' of driver \(driver.name), \(expected)")
                failed = true
                continue
            }
            let valueField = Field(node: pair.value, path: KeyPath.child(field.path, pair.key))
            guard let value = optionValue(valueField, option) else {
                failed = true
                continue
            }
            given[option.name] = value
        }
        for option in driver.options where option.isRequired && !pairs.contains(where: { $0.key == option.name }) {
            validator.report(at: field.location, field.path, "missing required option '\(option.name)' of driver \(driver.name)")
            failed = true
        }
        return failed ? nil : DriverOptions(given)
    }

    /// Reports a sensor without `options:` whose driver requires some, at the sensor.
    func requireOptions(_ entry: Fields, driver: DriverDescriptor) {
        guard !entry.contains("options") else { return }
        let required = driver.options.filter(\.isRequired).map { "'\($0.name)'" }
        guard !required.isEmpty else { return }
        validator.report(at: entry.location, entry.path,
                         "missing required key 'options' (the \(driver.name) driver needs \(required.joined(separator: ", ")))")
    }

    /// One option's value, read as its kind and checked against its range.
    private func optionValue(_ field: Field, _ option: DriverOption) -> DriverOptionValue? {
        switch option.kind {
        case .choice(let words):
            return validator.choice(field, words.map { ($0, $0) }).map(DriverOptionValue.choice)
        case .integer(let range):
            return validator.integer(field, in: range).map(DriverOptionValue.integer)
        case .number(let range):
            let what = "a number from \(Validator.format(range.lowerBound)) to \(Validator.format(range.upperBound))"
            return validator.number(field, what, where: range.contains).map(DriverOptionValue.number)
        case .duration(let range):
            return validator.duration(field, in: range).map(DriverOptionValue.duration)
        case .boolean:
            return validator.bool(field).map(DriverOptionValue.boolean)
        case .registerWrites:
            return decodeRegisterWrites(field).map(DriverOptionValue.registerWrites)
        case .registerChannels:
            return decodeRegisterChannels(field).map(DriverOptionValue.registerChannels)
        }
    }
}
