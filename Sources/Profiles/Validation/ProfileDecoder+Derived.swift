import Pipeline
import SensorgateCore

extension ProfileDecoder {
    static let derivedKeys = ["id", "expression", "vars", "unit", "filters", "windows"] + DerivedFormula.builtInNames
    /// Operands of one expression, at most.
    static let maximumDerivedOperands = 8
    /// `unit:` of an expression, in characters.
    static let maximumUnitLength = 16
    static let reservedWindowNames = ["set", "status"]

    // MARK: derived

    /// `derived:`, after `sensors:` (whose channels the operands name).
    func decodeDerived(_ field: Field, sensors: [SensorSpec]) -> [DerivedSpec] {
        guard let items = validator.sequence(field, what: "a list of derived channels") else { return [] }
        return items.compactMap { decodeDerivedEntry($0, sensors: sensors) }
    }

    private func decodeDerivedEntry(_ item: Field, sensors: [SensorSpec]) -> DerivedSpec? {
        guard let entry = validator.mapping(item, keys: Self.derivedKeys) else { return nil }
        let id = claimID(entry, kind: .derived)
        let kinds = (DerivedFormula.builtInNames + ["expression"]).filter { entry.contains($0) }
        let formulaList = Self.orList(DerivedFormula.builtInNames + ["expression"])
        guard kinds.count == 1, let kind = kinds.first else {
            if kinds.isEmpty {
                validator.report(at: entry.location, entry.path, "missing the formula: one of \(formulaList)")
            } else {
                validator.report(at: entry.location, entry.path,
                                 "expected one formula, got \(kinds.count) (\(kinds.joined(separator: ", ")))")
            }
            return nil
        }
        let filters = entry.optional("filters").flatMap { decodeFilters($0) }
        var windows = entry.optional("windows").flatMap(decodeWindows)
        // `<prefix>/<id>/<window>` shares its shape with an output's command topic and a
        // sensor's status.
        if let field = entry.optional("windows"), let clash = windows?.first(where: { Self.reservedWindowNames.contains($0.name) }) {
            validator.report(at: field.location, field.path,
                             "a derived channel's window may not be named '\(clash.name)': <prefix>/<id>/\(clash.name) is a topic the gateway reads or publishes; give it another name")
            windows = nil
        }
        let failedProcessing = (entry.contains("filters") && filters == nil) || (entry.contains("windows") && windows == nil)

        let decoded: (formula: DerivedFormula, operands: [ChannelReference], unit: String?)?
        if kind == "expression" {
            decoded = decodeExpression(entry, sensors: sensors)
        } else {
            for key in ["vars", "unit"] {
                if let field = entry.optional(key) {
                    validator.report(at: field.location, field.path,
                                     "'\(key)' belongs to an expression; \(kind) has its own operands and unit")
                }
            }
            decoded = entry.optional(kind).flatMap { decodeBuiltIn($0, kind: kind, sensors: sensors) }
        }
        guard let id, let decoded, !failedProcessing else { return nil }
        return DerivedSpec(id: id, formula: decoded.formula, operands: decoded.operands, unit: decoded.unit,
                           filters: filters ?? [], windows: windows ?? [])
    }

    /// `dew_point: { temperature: climate.temperature, humidity: climate.humidity }`,
    /// `sea_level_pressure: { pressure: climate.pressure, altitude: 420 }`.
    private func decodeBuiltIn(_ field: Field, kind: String, sensors: [SensorSpec])
        -> (formula: DerivedFormula, operands: [ChannelReference], unit: String?)? {
        let operandKeys = DerivedFormula.builtInOperands(kind)
        let extra = kind == "sea_level_pressure" ? ["altitude"] : []
        let example = operandKeys.map { "\($0.name): sensor.\($0.name)" } + extra.map { "\($0): 420" }
        guard let mapping = validator.mapping(field, keys: operandKeys.map(\.name) + extra,
                                              what: "a mapping such as { \(example.joined(separator: ", ")) }") else {
            return nil
        }
        var operands: [ChannelReference] = []
        var failed = false
        for operand in operandKeys {
            guard let value = mapping.required(operand.name, validator),
                  let reference = channelReference(value, sensors: sensors, unit: operand.unit) else {
                failed = true
                continue
            }
            operands.append(reference)
        }
        let formula: DerivedFormula?
        switch kind {
        case "dew_point": formula = .dewPoint
        case "absolute_humidity": formula = .absoluteHumidity
        case "heat_index": formula = .heatIndex
        default:
            let range = SeaLevelPressure.altitudes
            formula = mapping.required("altitude", validator).flatMap {
                validator.number($0, "an altitude in metres from \(Validator.format(range.lowerBound)) to \(Validator.format(range.upperBound))",
                                 where: range.contains)
            }.map { .seaLevelPressure(altitude: $0) }
        }
        guard !failed, let formula else { return nil }
        return (formula, operands, formula.unit)
    }

    /// `expression: "(a - b) * 0.5"` with `vars: { a: outdoor.temperature, b: indoor.temperature }`
    /// and an optional `unit`.
    private func decodeExpression(_ entry: Fields, sensors: [SensorSpec])
        -> (formula: DerivedFormula, operands: [ChannelReference], unit: String?)? {
        guard let expressionField = entry.optional("expression") else {
            if let field = entry.required("expression", validator) {
                validator.expected("an expression such as \"(a - b) * 0.5\"", field)
            }
            return nil
        }
        var names: [String] = []
        var operands: [ChannelReference] = []
        var failed = false
        if let varsField = entry.required("vars", validator),
           let pairs = validator.pairs(varsField, what: "a mapping of operand names to channels such as { a: climate.temperature }") {
            if pairs.isEmpty {
                validator.expected("at least one operand such as { a: climate.temperature }", varsField)
                failed = true
            } else if pairs.count > Self.maximumDerivedOperands {
                validator.expected("at most \(Self.maximumDerivedOperands) operands", varsField, detail: "\(pairs.count) given")
                failed = true
            }
            for pair in pairs {
                let value = Field(node: pair.value, path: KeyPath.child(varsField.path, pair.key))
                if !Self.isOperandName(pair.key) || ExpressionFunction(rawValue: pair.key) != nil {
                    validator.report(at: pair.keyLocation, varsField.path,
                                     "operand name '\(KeyPath.shown(pair.key))' must start with a letter or '_' and hold only letters, digits and '_', and not be min, max or abs")
                    failed = true
                    continue
                }
                guard let reference = channelReference(value, sensors: sensors, unit: nil) else {
                    failed = true
                    continue
                }
                names.append(pair.key)
                operands.append(reference)
            }
        } else {
            failed = true
        }
        var unit: String?
        if let field = entry.optional("unit") {
            unit = validator.text(field, what: "a unit such as °C or %")
            if let text = unit, !validator.within(Self.maximumUnitLength, characters: text.unicodeScalars.count, field) {
                failed = true
            }
            if unit == nil { failed = true }
        }
        guard let text = validator.text(expressionField, what: "an expression such as \"(a - b) * 0.5\"") else { return nil }
        guard !failed else { return nil }
        let expression: DerivedExpression
        do {
            expression = try ExpressionParser.parse(text, operands: names)
        } catch {
            reportExpression(error, in: expressionField, text: text, names: names)
            return nil
        }
        let used = expression.operandsUsed
        for (index, name) in names.enumerated() where !used.contains(index) {
            if let varsField = entry.optional("vars") {
                validator.report(at: varsField.location, varsField.path,
                                 "operand '\(name)' is not used in the expression; remove it or use it")
            }
            failed = true
        }
        return failed ? nil : (.expression(expression), operands, unit)
    }

    /// An expression's syntax error at its column: on the same line, the column of the
    /// text's first character plus the offset (a quoted scalar starts after its quote).
    private func reportExpression(_ error: ExpressionSyntaxError, in field: Field, text: String, names: [String]) {
        var location = field.location
        if !text.unicodeScalars.contains(where: { $0 == "\n" }) {
            location.column += (field.node.isQuoted ? 1 : 0) + error.offset
        }
        var message = error.message
        if let name = error.unknownName {
            message += DidYouMean.hint(for: name, among: names + ExpressionFunction.allCases.map(\.rawValue))
        }
        validator.report(at: location, field.path, message)
    }

    /// `sensor.channel`: a channel of a sensor declared under `sensors:`, enabled, and in
    /// `unit` when one is required.
    private func channelReference(_ field: Field, sensors: [SensorSpec], unit: String?) -> ChannelReference? {
        let what = "a sensor channel such as climate.temperature"
        guard let text = validator.text(field, what: what) else { return nil }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            validator.expected(what, field)
            return nil
        }
        let reference = ChannelReference(sensor: parts[0], channel: parts[1])
        guard let known = sensorChannels[reference.sensor] else {
            var message = "unknown sensor '\(LogText.escaped(reference.sensor))' in '\(LogText.escaped(text))', expected the id of an entry of sensors:"
            if let kind = entities[reference.sensor]?.kind {
                message = "'\(reference.sensor)' is \(kind == .input || kind == .output || kind == .expander ? "an" : "a") \(kind == .derived ? "derived channel" : kind.rawValue); operands are sensor channels (sensor.channel)"
            } else {
                message += DidYouMean.hint(for: reference.sensor, among: sensorChannels.keys.sorted())
            }
            validator.report(at: field.location, field.path, message)
            return nil
        }
        // A sensor whose driver or options failed has its own error already.
        guard let known else { return nil }
        guard let channel = known.channels.first(where: { $0.name == reference.channel }) else {
            validator.report(at: field.location, field.path,
                             "unknown channel '\(LogText.escaped(reference.channel))' of sensor '\(reference.sensor)' (driver \(known.driver)), expected one of "
                                 + known.names.joined(separator: ", ") + DidYouMean.hint(for: reference.channel, among: known.names))
            return nil
        }
        if let unit, channel.unit != unit {
            validator.report(at: field.location, field.path,
                             "expected a channel in \(unit), got \(reference) in \(channel.unit)")
            return nil
        }
        if let sensor = sensors.first(where: { $0.id == reference.sensor }),
           sensor.channels.first(where: { $0.name == reference.channel })?.enabled == false {
            validator.report(at: field.location, field.path,
                             "\(reference) is disabled (enabled: false); a derived channel needs its operands read")
            return nil
        }
        return reference
    }

    private static func isOperandName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !(("0"..."9").contains(first)) else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }
}
