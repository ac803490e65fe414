import ArgumentParser
import SensorCatalog
import SensorgateCore

struct Drivers: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the sensor drivers: name, part, addresses, interval, options, channels with units.")

    @Flag(name: .long, help: "Print the list as JSON.")
    var json = false

    func run() throws {
        if json {
            print(JSONText.array(SensorCatalog.drivers.map(Self.json)).rendered())
            return
        }
        for descriptor in SensorCatalog.drivers {
            let addresses = descriptor.allowedAddresses.map(hex).joined(separator: ", ")
            print("\(descriptor.name) (\(descriptor.part)): \(descriptor.summary)")
            print("  address: \(hex(descriptor.defaultAddress)) (allowed: \(addresses))")
            print("  interval: \(descriptor.defaultInterval) (minimum \(descriptor.minimumInterval))")
            let channels = descriptor.channels.map { "\($0.name) [\($0.unit)]" }.joined(separator: ", ")
            print("  channels: \(channels)")
            for variant in Self.optionDependentChannels(descriptor) {
                let names = variant.channels.map { "\($0.name) [\($0.unit)]" }.joined(separator: ", ")
                print("  channels with \(variant.option): \(variant.value): \(names)")
            }
            if let identity = descriptor.identity {
                let values = identity.expected.map(identity.format).joined(separator: ", ")
                print("  identity: \(identity.label) at \(hex(identity.register)): \(values)")
            }
            if descriptor.options.isEmpty {
                print("  options: none")
            } else {
                print("  options:")
                for option in descriptor.options {
                    let given = option.isRequired ? "required, e.g." : "default"
                    print("    \(option.name): \(option.kind), \(given) \(option.defaultValue): \(option.meaning)")
                }
            }
        }
    }

    static func json(_ descriptor: DriverDescriptor) -> JSONText {
        var pairs: [(String, JSONText)] = [
            ("name", .string(descriptor.name)),
            ("part", .string(descriptor.part)),
            ("summary", .string(descriptor.summary)),
            ("default_address", .string(hex(descriptor.defaultAddress))),
            ("addresses", .array(descriptor.allowedAddresses.map { .string(hex($0)) })),
            ("default_interval", .string(descriptor.defaultInterval.description)),
            ("minimum_interval", .string(descriptor.minimumInterval.description)),
            ("options", .array(descriptor.options.map(json))),
            ("channels", .array(descriptor.channels.map(json))),
            ("channels_by_option", .array(optionDependentChannels(descriptor).map { variant in
                .object([("option", .string(variant.option)), ("value", .string(variant.value)),
                         ("channels", .array(variant.channels.map(json)))])
            })),
        ]
        if let identity = descriptor.identity {
            pairs.append(("identity", .object([
                ("register", .string(hex(identity.register))),
                ("width", .string(identity.width == .byte ? "byte" : "word")),
                ("label", .string(identity.label)),
                ("values", .array(identity.expected.map { .string(identity.format($0)) })),
            ])))
        }
        return .object(pairs)
    }

    static func json(_ channel: ChannelDescriptor) -> JSONText {
        .object([("name", .string(channel.name)), ("unit", .string(channel.unit))])
    }

    /// The channels a choice option changes: each of its words whose channels differ from
    /// the default options' (an ADC's `inputs: differential`); empty for most drivers.
    static func optionDependentChannels(_ descriptor: DriverDescriptor)
        -> [(option: String, value: String, channels: [ChannelDescriptor])] {
        descriptor.options.flatMap { option -> [(option: String, value: String, channels: [ChannelDescriptor])] in
            guard case .choice(let words) = option.kind else { return [] }
            return words.compactMap { word in
                let channels = descriptor.channels(for: DriverOptions([option.name: .choice(word)]))
                return channels == descriptor.channels ? nil : (option.name, word, channels)
            }
        }
    }

    static func json(_ option: DriverOption) -> JSONText {
        var pairs: [(String, JSONText)] = [("name", .string(option.name))]
        switch option.kind {
        case .choice(let words):
            pairs += [("kind", .string("choice")), ("values", .array(words.map(JSONText.string)))]
        case .integer(let range):
            pairs += [("kind", .string("integer")), ("min", .integer(range.lowerBound)), ("max", .integer(range.upperBound))]
        case .number(let range):
            pairs += [("kind", .string("number")), ("min", .number(range.lowerBound)), ("max", .number(range.upperBound))]
        case .duration(let range):
            pairs += [("kind", .string("duration")), ("min", .string(range.lowerBound.description)),
                      ("max", .string(range.upperBound.description))]
        case .boolean:
            pairs += [("kind", .string("boolean"))]
        case .registerWrites:
            pairs += [("kind", .string("register_writes"))]
        case .registerChannels:
            pairs += [("kind", .string("register_channels"))]
        }
        if option.isRequired { pairs += [("required", .boolean(true))] }
        let defaultValue: JSONText
        switch option.defaultValue {
        case .choice(let word): defaultValue = .string(word)
        case .integer(let value): defaultValue = .integer(value)
        case .number(let value): defaultValue = .number(value)
        case .duration(let interval): defaultValue = .string(interval.description)
        case .boolean(let flag): defaultValue = .boolean(flag)
        case .registerWrites, .registerChannels: defaultValue = .string(option.defaultValue.description)
        }
        return .object(pairs + [("default", defaultValue), ("meaning", .string(option.meaning))])
    }
}

func hex(_ address: UInt8) -> String {
    "0x" + String(address, radix: 16).leftPadded(to: 2)
}
