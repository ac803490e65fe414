import SensorgateCore

extension ProfileDecoder {
    static let binarySignals = ["square", "pulses"]
    static let numericSignals = ["constant", "walk", "sine"]

    static let defaultDuty = 0.5
    static let defaultPulseWidth = Interval.milliseconds(50)
    static let maximumBounce = Interval.seconds(1)
    static let maximumRate = 10_000.0
    /// Unknown `simulation:` ids that get a "did you mean": each suggestion compares the id
    /// with every id of the profile, so thousands of unknown ids among thousands of inputs
    /// would take minutes; past the first few, a file is not mistyped but made up.
    static let maximumIDSuggestions = 10
    /// The key of a sensor's simulation entry that is not a channel: its outage.
    static let outageKey = "fail"

    /// `simulation:` keys are input ids (binary signals), sensor ids (a mapping of
    /// channel names to numeric signals) and `seed`. A `seed` whose value is a mapping
    /// is read as the id `seed`.
    func decodeSimulation(_ field: Field) -> SimulationSpec? {
        guard let pairs = validator.pairs(field, what: "a mapping of input and sensor ids to signals") else {
            return nil
        }
        var spec = SimulationSpec()
        var failed = false
        lazy var knownIDs = entities.filter { $0.value.kind != .output && $0.value.kind != .expander }.keys.sorted() + ["seed"]
        var suggestionsLeft = Self.maximumIDSuggestions
        for pair in pairs {
            let entry = Field(node: pair.value, path: KeyPath.child(field.path, pair.key))
            if pair.key == "seed", entities["seed"] == nil || pair.value.scalarText != nil {
                guard let text = pair.value.scalarText, let seed = UInt64(text) else {
                    validator.expected("an integer from 0 to \(UInt64.max)", entry)
                    failed = true
                    continue
                }
                spec.seed = seed
                continue
            }
            switch entities[pair.key]?.kind {
            case .input?:
                if let signal = binarySignal(entry) { spec.inputs[pair.key] = signal } else { failed = true }
            case .sensor?:
                if let (signals, outage) = sensorSignals(entry, known: sensorChannels[pair.key] ?? nil) {
                    spec.sensors[pair.key] = signals
                    if let outage { spec.outages[pair.key] = outage }
                } else {
                    failed = true
                }
            case .output?:
                validator.report(at: pair.keyLocation, field.path,
                                 "'\(KeyPath.shown(pair.key))' is an output; outputs follow commands and are not simulated")
                failed = true
            case .derived?:
                validator.report(at: pair.keyLocation, field.path,
                                 "'\(KeyPath.shown(pair.key))' is a derived channel; it follows its operands and is not simulated")
                failed = true
            case .expander?:
                validator.report(at: pair.keyLocation, field.path,
                                 "'\(KeyPath.shown(pair.key))' is an expander; give its inputs signals by their own ids")
                failed = true
            case nil:
                var text = "unknown id '\(KeyPath.shown(pair.key))', expected an input id, a sensor id or seed"
                if suggestionsLeft > 0 {
                    suggestionsLeft -= 1
                    text += DidYouMean.hint(for: pair.key, among: knownIDs)
                }
                validator.report(at: pair.keyLocation, field.path, text)
                failed = true
            }
        }
        return failed ? nil : spec
    }

    /// A sensor's channel signals, and its outage under `fail` (no driver has a channel of that name).
    private func sensorSignals(_ field: Field, known: SensorChannelNames?) -> ([String: SignalSpec], OutageSpec?)? {
        guard let pairs = validator.pairs(field, what: "a mapping of channel names to signals") else { return nil }
        var signals: [String: SignalSpec] = [:]
        var outage: OutageSpec?
        var failed = false
        for pair in pairs {
            if pair.key == Self.outageKey {
                outage = self.outage(Field(node: pair.value, path: KeyPath.child(field.path, pair.key)))
                if outage == nil { failed = true }
                continue
            }
            if let known, !known.contains(pair.key) {
                reportUnknownChannel(pair, in: field, known: known)
                failed = true
                continue
            }
            let entry = Field(node: pair.value, path: KeyPath.child(field.path, pair.key))
            if let signal = numericSignal(entry) { signals[pair.key] = signal } else { failed = true }
        }
        return failed ? nil : (signals, outage)
    }

    /// `{ from: 3s, for: 4s }`: both durations required; `from` 0s...24h, `for` 1ms...24h.
    private func outage(_ field: Field) -> OutageSpec? {
        guard let window = validator.mapping(field, keys: ["from", "for"], what: "a mapping such as { from: 3s, for: 4s }")
        else { return nil }
        let from = window.required("from", validator).flatMap { validator.duration($0, in: .zero...Interval.hours24) }
        let duration = window.required("for", validator).flatMap {
            validator.duration($0, in: Interval.milliseconds(1)...Interval.hours24)
        }
        guard let from, let duration else { return nil }
        return OutageSpec(from: from, duration: duration)
    }

    // MARK: signals

    /// The single `{ kind: settings }` entry of a signal, checked against the family.
    private func signalKind(_ field: Field, family: [String], familyName: String,
                            other: [String]) -> (name: String, settings: Field)? {
        let what = "a \(familyName) signal (\(Self.orList(family)))"
        guard case .mapping(let pairs) = field.node.value, let pair = pairs.first else {
            validator.expected("\(what) such as { \(family[0]): { ... } }", field)
            return nil
        }
        guard pairs.count == 1 else {
            validator.report(at: field.location, field.path,
                             "expected one signal, got \(pairs.count) keys ("
                                 + pairs.map { "'\($0.key)'" }.joined(separator: ", ") + ")")
            return nil
        }
        guard family.contains(pair.key) else {
            if other.contains(pair.key) {
                validator.report(at: pair.keyLocation, field.path, "expected \(what), got '\(KeyPath.shown(pair.key))'")
            } else {
                validator.report(at: pair.keyLocation, field.path,
                                 "unknown signal '\(KeyPath.shown(pair.key))', expected one of \(family.joined(separator: ", "))"
                                     + DidYouMean.hint(for: pair.key, among: family))
            }
            return nil
        }
        return (pair.key, Field(node: pair.value, path: KeyPath.child(field.path, pair.key)))
    }

    private func binarySignal(_ field: Field) -> SignalSpec? {
        guard let (kind, settings) = signalKind(field, family: Self.binarySignals, familyName: "binary",
                                                other: Self.numericSignals) else { return nil }
        switch kind {
        case "square":
            guard let square = validator.mapping(settings, keys: ["period", "duty", "bounce"]) else { return nil }
            let period = square.required("period", validator).flatMap {
                validator.duration($0, in: Interval.milliseconds(1)...Interval.hours24)
            }
            let duty = square.optional("duty").flatMap {
                validator.number($0, "a number between 0 and 1 (exclusive)", where: { $0 > 0 && $0 < 1 })
            }
            let bounce = square.optional("bounce").flatMap { validator.duration($0, in: .zero...Self.maximumBounce) }
            guard let period, duty != nil || !square.contains("duty"), bounce != nil || !square.contains("bounce")
            else { return nil }
            let dutyValue = duty ?? Self.defaultDuty
            let bounceValue = bounce ?? .zero
            let shorter = Interval.seconds(period.seconds * min(dutyValue, 1 - dutyValue))
            if let field = square.optional("bounce"), bounceValue >= shorter {
                validator.expected("a bounce shorter than the square wave's shorter phase (\(shorter))", field)
                return nil
            }
            return .square(period: period, duty: dutyValue, bounce: bounceValue)
        default:
            guard let pulses = validator.mapping(settings, keys: ["rate", "width", "bounce"]) else { return nil }
            let rate = pulses.required("rate", validator).flatMap { validator.rate($0, in: 0...Self.maximumRate) }
            let width = pulses.optional("width").flatMap {
                validator.duration($0, in: Interval.microseconds(1)...Interval.seconds(3600))
            }
            let bounce = pulses.optional("bounce").flatMap { validator.duration($0, in: .zero...Self.maximumBounce) }
            guard let rate, width != nil || !pulses.contains("width"), bounce != nil || !pulses.contains("bounce")
            else { return nil }
            let widthValue = width ?? Self.defaultPulseWidth
            let gap = Interval.seconds(1 / rate)
            if widthValue >= gap {
                let field = pulses.optional("width") ?? Field(node: settings.node, path: settings.path)
                validator.expected("a pulse width shorter than the mean gap between pulses (\(gap))", field)
                return nil
            }
            return .pulses(ratePerSecond: rate, width: widthValue, bounce: bounce ?? .zero)
        }
    }

    private func numericSignal(_ field: Field) -> SignalSpec? {
        guard let (kind, settings) = signalKind(field, family: Self.numericSignals, familyName: "numeric",
                                                other: Self.binarySignals) else { return nil }
        switch kind {
        case "constant":
            return validator.number(settings).map { .constant($0) }
        case "walk":
            guard let walk = validator.mapping(settings, keys: ["start", "step", "min", "max"]) else { return nil }
            let start = walk.required("start", validator).flatMap { validator.number($0) }
            let step = walk.required("step", validator).flatMap {
                validator.number($0, "a number > 0", where: { $0 > 0 })
            }
            let low = walk.optional("min").flatMap { validator.number($0) }
            let high = walk.optional("max").flatMap { validator.number($0) }
            var consistent = true
            if let low, let high, let field = walk.optional("max"), high <= low {
                validator.expected("a number > min (\(Validator.format(low)))", field)
                consistent = false
            } else if let start, let field = walk.optional("start") {
                if let low, start < low {
                    validator.expected("a start within min and max (>= \(Validator.format(low)))", field)
                    consistent = false
                } else if let high, start > high {
                    validator.expected("a start within min and max (<= \(Validator.format(high)))", field)
                    consistent = false
                }
            }
            guard consistent, let start, let step, low != nil || !walk.contains("min"), high != nil || !walk.contains("max")
            else { return nil }
            return .walk(start: start, step: step, min: low, max: high)
        default:
            guard let sine = validator.mapping(settings, keys: ["mean", "amplitude", "period"]) else { return nil }
            let mean = sine.required("mean", validator).flatMap { validator.number($0) }
            let amplitude = sine.required("amplitude", validator).flatMap {
                validator.number($0, "a number >= 0", where: { $0 >= 0 })
            }
            let period = sine.required("period", validator).flatMap {
                validator.duration($0, in: Interval.milliseconds(1)...Interval.hours24)
            }
            guard let mean, let amplitude, let period else { return nil }
            return .sine(mean: mean, amplitude: amplitude, period: period)
        }
    }
}
