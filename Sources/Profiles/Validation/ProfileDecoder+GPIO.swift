import SensorgateCore

extension ProfileDecoder {
    static let inputKeys = ["id", "gpio", "debounce", "count", "payload", "qos", "retain",
                            "frequency", "pulse_width", "duty_cycle", "filters"]
    static let inputGPIOKeys = ["chip", "expander", "line", "bias", "active_low", "edge", "kernel_debounce"]
    static let outputKeys = ["id", "gpio", "initial", "safe", "payload"]
    static let outputGPIOKeys = ["chip", "expander", "line", "active_low"]

    /// Highest line offset accepted (libgpiod chips have far fewer lines; this catches typos).
    static let maximumLineOffset = 1023

    static let defaultDebounce = Interval.milliseconds(20)
    static let maximumKernelDebounce = Interval.seconds(1)
    static let defaultCountUnit = "pulses"

    // MARK: inputs

    func decodeInputs(_ field: Field) -> [InputSpec] {
        guard let items = validator.sequence(field, what: "a list of inputs") else { return [] }
        return items.compactMap(decodeInput)
    }

    private func decodeInput(_ item: Field) -> InputSpec? {
        guard let entry = validator.mapping(item, keys: Self.inputKeys) else { return nil }
        let id = claimID(entry, kind: .input)
        let gpio = entry.required("gpio", validator).flatMap { decodeGPIO($0, output: false, owner: entry.path, id: id) }
        let debounce = entry.optional("debounce").flatMap {
            validator.duration($0, in: Interval.zero...Interval.seconds(10))
        }
        let count = entry.optional("count").flatMap(decodeCount)
        if let countField = entry.optional("count"), let gpio, gpio.edge == .none {
            validator.report(at: countField.location, countField.path,
                             "a pulse counter needs edges: set gpio.edge to rising, falling or both, got none")
        }
        var payload: (on: String, off: String)?
        if let field = entry.optional("payload") {
            payload = decodePayload(field)
            if entry.contains("count") {
                validator.report(at: field.location, field.path,
                                 "a pulse counter publishes numbers; payload applies only to binary inputs")
            }
        }
        let qos = entry.optional("qos").flatMap(qos)
        let retain = entry.optional("retain").flatMap(validator.bool)
        var metrics: [EdgeMetricSpec] = []
        for kind in EdgeMetricSpec.Kind.allCases {
            guard let field = entry.optional(kind.rawValue), let metric = decodeMetric(field, kind: kind) else { continue }
            if kind != .frequency, let gpio, gpio.edge != .both {
                validator.report(at: field.location, field.path,
                                 "\(kind.rawValue) needs both edges: remove gpio.edge or set it to both, got \(gpio.edge.rawValue)")
            }
            metrics.append(metric)
        }
        var filters: [BinaryFilterSpec] = []
        if let field = entry.optional("filters") {
            if entry.contains("count") {
                validator.report(at: field.location, field.path,
                                 "binary filters shape a published level; a pulse counter publishes counts: remove filters or count")
            } else if let decoded = decodeBinaryFilters(field) {
                filters = decoded
            }
        }
        guard let id, let gpio else { return nil }
        return InputSpec(id: id, gpio: gpio, debounce: debounce ?? Self.defaultDebounce, count: count,
                         payloadOn: payload?.on, payloadOff: payload?.off, qos: qos, retain: retain, metrics: metrics,
                         filters: filters)
    }

    /// `frequency: { every: 10s }`, `pulse_width: { every: 10s, stats: [...] }`, `duty_cycle: { every: 10s }`.
    private func decodeMetric(_ field: Field, kind: EdgeMetricSpec.Kind) -> EdgeMetricSpec? {
        let keys = kind == .pulseWidth ? ["every", "stats"] : ["every"]
        guard let metric = validator.mapping(field, keys: keys) else { return nil }
        let every = metric.required("every", validator).flatMap {
            validator.duration($0, in: Interval.seconds(1)...Interval.hours24)
        }
        let stats = metric.optional("stats").flatMap(decodeStatistics)
        guard let every else { return nil }
        if metric.contains("stats"), stats == nil { return nil }
        return EdgeMetricSpec(kind: kind, every: every, stats: stats ?? [.mean, .min, .max, .count])
    }

    private func decodeCount(_ field: Field) -> PulseCountSpec? {
        guard let count = validator.mapping(field, keys: ["every", "scale", "unit", "rate"]) else { return nil }
        let every = count.required("every", validator).flatMap {
            validator.duration($0, in: Interval.seconds(1)...Interval.hours24)
        }
        let scale = count.optional("scale").flatMap { validator.number($0, "a number > 0", where: { $0 > 0 }) }
        let unit = count.optional("unit").flatMap { validator.text($0, what: "a unit such as mm") }
        let rate = count.optional("rate").flatMap { decodeRate($0, countUnit: unit ?? Self.defaultCountUnit) }
        guard let every else { return nil }
        if count.contains("rate") && rate == nil { return nil }
        return PulseCountSpec(every: every, scale: scale ?? 1, unit: unit ?? Self.defaultCountUnit, rate: rate)
    }

    /// `rate: { per: 1m, unit: L/min, round: 2 }`, every key optional (`rate: {}` is pulses per second).
    private func decodeRate(_ field: Field, countUnit: String) -> PulseRateSpec? {
        guard let rate = validator.mapping(field, keys: ["per", "unit", "round"],
                                           what: "a mapping such as { per: 1m, unit: L/min }") else { return nil }
        let per = rate.optional("per").flatMap { validator.duration($0, in: Interval.seconds(1)...Interval.hours24) }
        let unit = rate.optional("unit").flatMap { validator.text($0, what: "a unit such as L/min") }
        let decimals = rate.optional("round").flatMap { validator.integer($0, in: 0...9) }
        if (rate.contains("per") && per == nil) || (rate.contains("unit") && unit == nil)
            || (rate.contains("round") && decimals == nil) { return nil }
        let period = per ?? .seconds(1)
        let perName = [Interval.seconds(1): "s", .seconds(60): "min", .seconds(3600): "h"][period] ?? Validator.format(period)
        return PulseRateSpec(per: period, unit: unit ?? "\(countUnit)/\(perName)", decimals: decimals)
    }

    private func decodePayload(_ field: Field) -> (on: String, off: String)? {
        guard let payload = validator.mapping(field, keys: ["on", "off"]) else { return nil }
        let on = payload.required("on", validator).flatMap { validator.text($0, what: "the text published when active") }
        let off = payload.required("off", validator).flatMap { validator.text($0, what: "the text published when inactive") }
        guard let on, let off else { return nil }
        return (on, off)
    }

    // MARK: outputs

    func decodeOutputs(_ field: Field) -> [OutputSpec] {
        guard let items = validator.sequence(field, what: "a list of outputs") else { return [] }
        return items.compactMap(decodeOutput)
    }

    private func decodeOutput(_ item: Field) -> OutputSpec? {
        if case .mapping(let pairs) = item.node.value, pairs.contains(where: { $0.key == "pwm" }) {
            if let output = decodePWMOutput(item) { pwmOutputs.append(output) }
            return nil
        }
        guard let entry = validator.mapping(item, keys: Self.outputKeys) else { return nil }
        let id = claimID(entry, kind: .output)
        let gpio = entry.required("gpio", validator).flatMap { decodeGPIO($0, output: true, owner: entry.path, id: id) }
        let initial = entry.optional("initial").flatMap(validator.bool)
        let safe = entry.optional("safe").flatMap(validator.bool)
        let payload = entry.optional("payload").flatMap(decodePayload)
        if let field = entry.optional("payload"), let payload, payload.on.lowercased() == payload.off.lowercased() {
            validator.report(at: field.location, field.path,
                             "on and off must differ (ignoring case): a command '\(payload.on)' would be ambiguous")
        }
        guard let id, let gpio else { return nil }
        return OutputSpec(id: id, gpio: gpio, initial: initial ?? false, safe: safe,
                          payloadOn: payload?.on, payloadOff: payload?.off)
    }

    // MARK: gpio

    func decodeGPIO(_ field: Field, output: Bool, owner: String, id: String?) -> GPIOLineSpec? {
        let keys = output ? Self.outputGPIOKeys : Self.inputGPIOKeys
        guard let gpio = validator.mapping(field, keys: keys) else { return nil }
        if let expander = gpio.optional("expander") {
            return decodeExpanderLine(gpio, expanderField: expander,
                                      owner: id.map { "\(owner) '\($0)'" } ?? owner)
        }
        let chip = gpio.optional("chip").flatMap(chip)
        let lineField = gpio.required("line", validator)
        let line = lineField.flatMap(line)
        let bias = gpio.optional("bias").flatMap { validator.choice($0, Bias.allCases.map { ($0.rawValue, $0) }) }
        let activeLow = gpio.optional("active_low").flatMap(validator.bool)
        let edge = gpio.optional("edge").flatMap {
            validator.choice($0, EdgeDetection.allCases.map { ($0.rawValue, $0) })
        }
        let kernelDebounce = gpio.optional("kernel_debounce").map(kernelDebounce)
        guard let line, let lineField else { return nil }
        if gpio.contains("chip") && chip == nil { return nil }
        claimLine(chip: chip, line: line, field: lineField, owner: id.map { "\(owner) '\($0)'" } ?? owner)
        if case .invalid? = kernelDebounce { return nil }
        return GPIOLineSpec(chip: chip, line: line, bias: bias ?? .asIs, activeLow: activeLow ?? false,
                            edge: edge ?? .both, kernelDebounce: kernelDebounce?.interval)
    }

    /// `chip: gpiochip0`, `/dev/gpiochip0`, `0` or a chip label.
    private func chip(_ field: Field) -> String? {
        let what = "a chip such as gpiochip0, /dev/gpiochip0, 0 or a chip label"
        guard let text = validator.text(field, what: what) else { return nil }
        guard GPIOChipSelector(text) != nil else {
            validator.expected(what, field)
            return nil
        }
        return text
    }

    /// A `kernel_debounce` as read: a period, none (`0s`), or invalid (reported).
    private enum KernelDebounce {
        case period(Interval)
        case none
        case invalid

        var interval: Interval? {
            if case .period(let period) = self { return period }
            return nil
        }
    }

    /// `kernel_debounce: 5ms`: the GPIO uAPI v2 takes the period in whole microseconds;
    /// `0s` is the kernel's "no debounce". Past a second it is a typo, not a contact.
    private func kernelDebounce(_ field: Field) -> KernelDebounce {
        guard let period = validator.duration(field, in: Interval.zero...Self.maximumKernelDebounce) else { return .invalid }
        guard period.nanoseconds % 1_000 == 0 else {
            validator.expected("a whole number of microseconds such as 5ms or 500us", field,
                               detail: "the kernel takes the debounce period in microseconds")
            return .invalid
        }
        return period == .zero ? .none : .period(period)
    }

    /// `gpio: { expander: ioexp, line: 3 }` or `line: GPA3`: a line of an entry of
    /// `expanders:`, with the options the part can give it.
    private func decodeExpanderLine(_ gpio: Fields, expanderField: Field, owner: String) -> GPIOLineSpec? {
        var failed = false
        if let chip = gpio.optional("chip") {
            validator.report(at: chip.location, chip.path,
                             "a line is on a chip or on an expander, not both: remove chip or expander")
            failed = true
        }
        if let debounce = gpio.optional("kernel_debounce") {
            validator.report(at: debounce.location, debounce.path,
                             "an expander line has no kernel debounce (the gateway reads the part over I2C): use the input's debounce")
            failed = true
        }
        var driver: ExpanderSpec.Driver?
        let expander = validator.identifier(expanderField)
        if let expander {
            if let known = expanderDrivers[expander], known.isPWM {
                validator.report(at: expanderField.location, expanderField.path,
                                 "expander '\(expander)' is a \(known.rawValue), a PWM controller: its channels are outputs with pwm: { expander: \(expander), channel: N }")
                failed = true
            } else if let known = expanderDrivers[expander] {
                driver = known
            } else {
                var text = "unknown expander '\(expander)', expected the id of an entry of expanders:"
                if let kind = entities[expander]?.kind {
                    text = "'\(expander)' is \(kind == .input ? "an" : "a") \(kind.rawValue), expected the id of an entry of expanders:"
                } else {
                    text += DidYouMean.hint(for: expander, among: expanderDrivers.keys.sorted())
                }
                validator.report(at: expanderField.location, expanderField.path, text)
                failed = true
            }
        }
        let lineField = gpio.required("line", validator)
        var offset: UInt32?
        if let lineField, let driver { offset = expanderLine(lineField, driver: driver) }
        var bias = Bias.asIs
        if let field = gpio.optional("bias"), let value = validator.choice(field, Bias.allCases.map { ($0.rawValue, $0) }) {
            bias = value
            if let driver, !driver.biases.contains(value) {
                let detail = driver == .mcp23017
                    ? "the MCP23017 has pull-ups only"
                    : "a \(driver.rawValue) line is always pulled up weakly and has no other bias"
                validator.expected(Self.orList(driver.biases.map(\.rawValue)) + " on a \(driver.rawValue)", field, detail: detail)
                failed = true
            }
        }
        let activeLow = gpio.optional("active_low").flatMap(validator.bool)
        let edge = gpio.optional("edge").flatMap { validator.choice($0, EdgeDetection.allCases.map { ($0.rawValue, $0) }) }
        guard let expander, let offset, let lineField, !failed else { return nil }
        let key = LineClaim(expander: expander, offset: offset)
        let name = driver.map { " (\($0.lineNames[Int(offset)]))" } ?? ""
        if let first = lineOwners[key] {
            validator.report(at: lineField.location, lineField.path,
                             "line \(offset)\(name) of expander '\(expander)' is already used by \(first.owner) at \(first.location)")
            return nil
        }
        lineOwners[key] = (owner, lineField.location)
        return GPIOLineSpec(line: .offset(offset), bias: bias, activeLow: activeLow ?? false, edge: edge ?? .both,
                            expander: expander)
    }

    /// An expander's line: an offset below its line count, or a pin name of its datasheet.
    private func expanderLine(_ field: Field, driver: ExpanderSpec.Driver) -> UInt32? {
        let names = driver.lineNames
        let what = "a line from 0 to \(driver.lineCount - 1) or a pin name \(names[0]) ... \(names[names.count - 1]) of the \(driver.rawValue)"
        guard let text = field.node.scalarText, !field.node.isNull, !text.isEmpty else {
            validator.expected(what, field)
            return nil
        }
        if !field.node.isQuoted, let number = NumberSyntax.integer(text) {
            guard (0..<driver.lineCount).contains(number) else {
                validator.expected(what, field)
                return nil
            }
            return UInt32(number)
        }
        guard let index = names.firstIndex(where: { $0.lowercased() == text.lowercased() }) else {
            validator.expected(what, field)
            return nil
        }
        return UInt32(index)
    }

    /// `line: 17` is an offset; `line: GPIO17`, `line: pin11` or any quoted text is a line name.
    private func line(_ field: Field) -> GPIOLineSpec.Line? {
        let what = "a line offset from 0 to \(Self.maximumLineOffset) or a line name such as GPIO17"
        guard let text = field.node.scalarText, !field.node.isNull, !text.isEmpty else {
            validator.expected(what, field)
            return nil
        }
        if field.node.isQuoted {
            // Where the quotes matter: `17` is an offset, `"17"` would be a line named 17,
            // which no kernel has; say so instead of failing later on the board.
            if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                validator.expected(what, field, detail: "a quoted line is a line name; write \(text) without quotes for the offset")
                return nil
            }
            return .name(text)
        }
        if let first = text.unicodeScalars.first, ("0"..."9").contains(first) || first == "-" || first == "+" {
            guard let offset = NumberSyntax.integer(text), (0...Self.maximumLineOffset).contains(offset) else {
                validator.expected(what, field)
                return nil
            }
            return .offset(UInt32(offset))
        }
        return .name(text)
    }

    /// What `run` would find wrong with a line before opening its chip (a ground pin, a
    /// pin or GPIO number the board does not have), and two inputs or outputs on one line,
    /// which would fight over it. Lines compare as the resolver resolves them on the board
    /// alone: `pin11`, `GPIO17` and `17` on a Raspberry Pi 4's chip are one line. Names only
    /// the chip can resolve compare by name.
    private func claimLine(chip: String?, line: GPIOLineSpec.Line, field: Field, owner: String) {
        let key: LineClaim
        let lineText: String
        switch lineResolver.resolveOnBoard(line, chip: chip) {
        case .invalid(let problem):
            validator.report(at: field.location, field.path, problem.message)
            return
        case .offset(let offset, let selector, let name):
            key = LineClaim(chip: selector, line: .offset(offset))
            lineText = name.map { "line \(offset) (\($0))" } ?? "line \(offset)"
        case .name(let name, let selector):
            key = LineClaim(chip: selector, line: .name(name))
            lineText = "line '\(name)'"
        }
        if let first = lineOwners[key] {
            validator.report(at: field.location, field.path,
                             "\(lineText) of \(Self.describe(key.device)) is already used by \(first.owner) at \(first.location)")
            return
        }
        lineOwners[key] = (owner, field.location)
    }

    /// A chip as ``describe(_:)-(GPIOChipSelector)`` names it, or `expander 'ioexp'`.
    static func describe(_ device: LineClaim.Device) -> String {
        switch device {
        case .chip(let chip): return describe(chip)
        case .expander(let id): return "expander '\(id)'"
        }
    }

    /// `gpiochip0`, `chip '/dev/gpio/bank0'` or `the chip labelled 'pinctrl-bcm2711'`.
    static func describe(_ chip: GPIOChipSelector) -> String {
        switch chip {
        case .path(let path): return chip.chipName ?? "chip '\(path)'"
        case .label(let label): return "the chip labelled '\(label)'"
        }
    }
}
