/// mqtt-io's `gpio_modules`, `digital_inputs` and `digital_outputs`.
extension MQTTIOImport.Converter {
    /// Where an mqtt-io GPIO module's pins are in the profile.
    enum GPIOModule {
        /// A kernel gpiochip (mqtt-io's raspberrypi, gpiozero and gpiod modules).
        case chip(String?)
        /// An entry of `expanders` with this id.
        case expander(String)
    }

    static let expanderDrivers = ["pcf8574": "pcf8574", "pcf8575": "pcf8575", "mcp23017": "mcp23017"]

    mutating func convertGPIOModules(_ list: ConfigNode?) -> (modules: [String: GPIOModule], expanders: [ProfileText]) {
        var modules: [String: GPIOModule] = [:]
        var expanders: [ProfileText] = []
        for module in list?.items ?? [] {
            guard let name = module["name"]?.text, let kind = module["module"]?.text else {
                note(at: module.location, "a GPIO module without name or module: skipped")
                continue
            }
            switch kind {
            case "raspberrypi", "gpiozero":
                modules[name] = .chip(nil)
                note(at: module.location(of: "module"), "\(kind) pins are BCM GPIO numbers: they become lines of gpiochip0, the header's chip on every Raspberry Pi with a current kernel (or set gateway.board and name them GPIO17 ...)")
            case "gpiod":
                let chip = module["chip"]?.text.map { $0.hasPrefix("/dev/") ? String($0.dropFirst(5)) : $0 }
                modules[name] = .chip(chip)
            default:
                guard let driver = Self.expanderDrivers[kind] else {
                    note(at: module.location(of: "module"), "GPIO module '\(kind)' has no Sensorgate driver: the inputs and outputs on '\(name)' are not converted")
                    continue
                }
                let id = uniqueID(for: name, at: module.location(of: "name"))
                var i2c: [ProfileText.Entry] = [.init("bus", .plain("\(module["i2c_bus_num"]?.integer ?? 1)"))]
                if let address = module["chip_addr"]?.integer { i2c.append(.init("address", .plain(Self.hex(address)))) }
                expanders.append(.mapping([.init("id", .scalar(id)), .init("driver", .scalar(driver)), .init("i2c", .mapping(i2c))]))
                modules[name] = .expander(id)
            }
        }
        return (modules, expanders)
    }

    mutating func convertInputs(_ list: ConfigNode?, modules: [String: GPIOModule]) -> [ProfileText] {
        var inputs: [ProfileText] = []
        for input in list?.items ?? [] {
            guard let (name, module, pin) = pinEntry(input, modules: modules, what: "digital input") else { continue }
            let id = uniqueID(for: name, at: input.location(of: "name"))
            var gpio = location(module, pin: pin)
            let pullUp = input["pullup"]?.bool ?? false, pullDown = input["pulldown"]?.bool ?? false
            if pullUp && pullDown {
                note(at: input.location(of: "pulldown"), "'\(name)': both pullup and pulldown: neither is converted")
            } else if pullUp || pullDown {
                gpio.append(.init("bias", .scalar(pullUp ? "pull-up" : "pull-down")))
            }
            if input["inverted"]?.bool == true { gpio.append(.init("active_low", .plain("true"))) }
            if let edge = input["interrupt"]?.text, ["rising", "falling", "both"].contains(edge) {
                gpio.append(.init("edge", .scalar(edge)))
            }
            var entries: [ProfileText.Entry] = [.init("id", .scalar(id)), .init("gpio", .mapping(gpio))]
            if let bounce = input["bouncetime"]?.integer {
                entries.append(.init("debounce", .plain("\(min(bounce, 10_000))ms")))
                note(at: input.location(of: "bouncetime"), "'\(name)': bouncetime \(bounce) ms becomes debounce: a level is published once it has held \(min(bounce, 10_000)) ms (mqtt-io ignores edges for that long after one instead)")
            }
            entries.append(payload(input))
            if let retain = input["retain"]?.bool { entries.append(.init("retain", .plain(retain ? "true" : "false"))) }
            for key in ["poll_interval", "interrupt_for", "poll_when_interrupt_for"] where input[key] != nil {
                note(at: input.location(of: key), "'\(name)': \(key) not converted: kernel GPIO lines are interrupt-driven; an expander input is read on its INT line or its poll (expanders.interrupt, expanders.poll)")
            }
            noteDiscovery(input, name: name)
            inputs.append(.mapping(entries))
        }
        return inputs
    }

    mutating func convertOutputs(_ list: ConfigNode?, modules: [String: GPIOModule]) -> [ProfileText] {
        var outputs: [ProfileText] = []
        for output in list?.items ?? [] {
            guard let (name, module, pin) = pinEntry(output, modules: modules, what: "digital output") else { continue }
            let id = uniqueID(for: name, at: output.location(of: "name"))
            var gpio = location(module, pin: pin)
            let inverted = output["inverted"]?.bool == true
            if inverted { gpio.append(.init("active_low", .plain("true"))) }
            var entries: [ProfileText.Entry] = [.init("id", .scalar(id)), .init("gpio", .mapping(gpio))]
            if let initial = output["initial"]?.text, ["high", "low"].contains(initial) {
                // mqtt-io's initial is the pin's level; Sensorgate's is the logical state.
                let on = (initial == "high") != inverted
                entries.append(.init("initial", .plain(on ? "true" : "false")))
            }
            entries.append(payload(output))
            if let timed = output["timed_set_ms"]?.integer {
                note(at: output.location(of: "timed_set_ms"), "'\(name)': timed_set_ms not converted: send {\"value\": true, \"pulse\": \"\(timed)ms\"} to <prefix>/\(id)/set for a pulse")
            }
            if output["publish_initial"] != nil {
                note(at: output.location(of: "publish_initial"), "'\(name)': publish_initial: an output's state is always published (retained) at start")
            }
            if output["retain"] != nil {
                note(at: output.location(of: "retain"), "'\(name)': retain: an output's state is always retained")
            }
            noteDiscovery(output, name: name)
            outputs.append(.mapping(entries))
        }
        return outputs
    }

    /// The name, module and pin of an input or output, or nil (with a note) when its
    /// module was not converted.
    private mutating func pinEntry(_ entry: ConfigNode, modules: [String: GPIOModule], what: String) -> (String, GPIOModule, String)? {
        guard let name = entry["name"]?.text, let moduleName = entry["module"]?.text, let pin = entry["pin"]?.text else {
            note(at: entry.location, "a \(what) without name, module or pin: skipped")
            return nil
        }
        guard let module = modules[moduleName] else {
            note(at: entry.location(of: "module"), "\(what) '\(name)': module '\(moduleName)' was not converted, so neither is it")
            return nil
        }
        return (name, module, pin)
    }

    private func location(_ module: GPIOModule, pin: String) -> [ProfileText.Entry] {
        let line: ProfileText = Int(pin) != nil ? .plain(pin) : .scalar(pin)
        switch module {
        case .chip(let chip):
            return (chip.map { [ProfileText.Entry("chip", .scalar($0))] } ?? []) + [.init("line", line)]
        case .expander(let id):
            return [.init("expander", .scalar(id)), .init("line", line)]
        }
    }

    /// mqtt-io's on/off payloads (default `ON`/`OFF`), kept so subscribers see the same words.
    private func payload(_ entry: ConfigNode) -> ProfileText.Entry {
        .init("payload", .mapping([.init("on", .scalar(entry["on_payload"]?.text ?? "ON")),
                                   .init("off", .scalar(entry["off_payload"]?.text ?? "OFF"))]))
    }

    mutating func noteDiscovery(_ entry: ConfigNode, name: String) {
        if entry["ha_discovery"] != nil {
            note(at: entry.location(of: "ha_discovery"), "'\(name)': ha_discovery per entry not converted: with mqtt.home_assistant.discovery every entry is announced with its kind and unit")
        }
    }

    static func hex(_ value: Int) -> String {
        let digits = String(value, radix: 16)
        return "0x" + (digits.count < 2 ? "0" : "") + digits
    }
}
