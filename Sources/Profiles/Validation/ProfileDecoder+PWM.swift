import SensorgateCore

extension ProfileDecoder {
    static let pwmOutputKeys = ["id", "pwm", "initial", "safe", "pulse_range"]
    static let pwmKeys = ["expander", "channel"]

    /// An output with `pwm: { expander: servo, channel: 0 }`: a PWM controller's channel.
    func decodePWMOutput(_ item: Field) -> PWMOutputSpec? {
        guard let entry = validator.mapping(item, keys: Self.pwmOutputKeys) else { return nil }
        let id = claimID(entry, kind: .output)
        guard let pwmField = entry.required("pwm", validator),
              let pwm = validator.mapping(pwmField, keys: Self.pwmKeys) else { return nil }
        var expander: String?
        var period: Interval?
        if let field = pwm.required("expander", validator), let name = validator.identifier(field) {
            if let driver = expanderDrivers[name], driver.isPWM {
                expander = name
                period = expanderPeriods[name]
            } else if let driver = expanderDrivers[name] {
                validator.report(at: field.location, field.path,
                                 "expander '\(name)' is a \(driver.rawValue), a GPIO expander: its lines are outputs with gpio: { expander: \(name), line: N }")
            } else {
                let controllers = expanderDrivers.filter { $0.value.isPWM }.map(\.key).sorted()
                let hint = DidYouMean.hint(for: name, among: controllers)
                validator.report(at: field.location, field.path,
                                 "unknown expander '\(name)', expected the id of a pca9685 in expanders:" + hint)
            }
        }
        let channelField = pwm.required("channel", validator)
        let channel = channelField.flatMap(pwmChannel)
        let pulseRange = entry.optional("pulse_range").flatMap { decodePulseRange($0, period: period) }
        if entry.contains("pulse_range") && pulseRange == nil { return nil }
        guard let id, let expander, let channel, let channelField else { return nil }
        var spec = PWMOutputSpec(id: id, expander: expander, channel: channel, pulseRange: pulseRange)
        var failed = false
        for key in ["initial", "safe"] {
            guard let field = entry.optional(key) else { continue }
            guard let level = pwmLevel(field) else {
                failed = true
                continue
            }
            if let period, case .failure(let error) = spec.duty(of: level, period: period) {
                validator.expected("a setting the output can take", field, detail: error.description)
                failed = true
                continue
            }
            if key == "initial" { spec.initial = level } else { spec.safe = level }
        }
        if !entry.contains("safe") { spec.safe = spec.initial }
        let key = LineClaim(expander: expander, offset: UInt32(channel))
        if let first = lineOwners[key] {
            validator.report(at: channelField.location, channelField.path,
                             "channel \(channel) of expander '\(expander)' is already used by \(first.owner) at \(first.location)")
            return nil
        }
        lineOwners[key] = ("\(entry.path) '\(id)'", channelField.location)
        return failed ? nil : spec
    }

    /// `channel: 3` or `channel: LED3`.
    private func pwmChannel(_ field: Field) -> Int? {
        let what = "a channel from 0 to 15 or LED0 ... LED15"
        guard let text = field.node.scalarText, !field.node.isNull else {
            validator.expected(what, field)
            return nil
        }
        var digits = Substring(text)
        if digits.uppercased().hasPrefix("LED") { digits = digits.dropFirst(3) }
        guard let channel = NumberSyntax.integer(String(digits)), (0..<16).contains(channel) else {
            validator.expected(what, field)
            return nil
        }
        return channel
    }

    /// `initial: 7.5` or `7.5%` (duty cycle), `1.5ms` (pulse width).
    private func pwmLevel(_ field: Field) -> PWMOutputSpec.Level? {
        let what = "a duty cycle from 0 to 100 (42.5 or 42.5%) or a pulse width such as 1.5ms"
        guard let text = field.node.scalarText, !field.node.isNull else {
            validator.expected(what, field)
            return nil
        }
        var number = Substring(text)
        if number.hasSuffix("%") { number = number.dropLast() }
        if let duty = NumberSyntax.decimal(String(number)) {
            guard (0...100).contains(duty) else {
                validator.expected(what, field)
                return nil
            }
            return .duty(duty)
        }
        guard let pulse = try? DurationSyntax.parse(text) else {
            validator.expected(what, field)
            return nil
        }
        return .pulse(pulse)
    }

    /// `pulse_range: [1ms, 2ms]`: shortest below longest, the longest within the period.
    private func decodePulseRange(_ field: Field, period: Interval?) -> ClosedRange<Interval>? {
        guard let items = validator.sequence(field, what: "a list of two durations such as [1ms, 2ms]") else { return nil }
        guard items.count == 2 else {
            validator.expected("a list of two durations such as [1ms, 2ms]", field)
            return nil
        }
        let upperLimit = period ?? Interval.seconds(1)
        guard let low = validator.duration(items[0], in: Interval.microseconds(1)...upperLimit),
              let high = validator.duration(items[1], in: Interval.microseconds(1)...upperLimit) else { return nil }
        guard low < high else {
            validator.expected("the shortest pulse first, below the longest", field)
            return nil
        }
        return low...high
    }
}
