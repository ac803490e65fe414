import Foundation
import Profiles
import SensorCatalog
import SensorDrivers
import SensorgateCore
import Simulation
import Testing

/// Properties every catalog entry must have. Nothing here names a driver: a new entry
/// is checked by adding its line to the catalog.
@Suite("Sensor catalog")
struct SensorCatalogTests {
    static let names = SensorCatalog.drivers.map(\.name)

    /// A plausible physical value for the channel names the drivers have today (a new
    /// name is read with the simulated part's default instead).
    /// Values every part's resolution represents within the tolerance below: temperature a
    /// whole number of the 0.5 °C steps of the coarsest temperature sensors (MCP9808 at
    /// resolution 0.5), illuminance of the BH1750's half-lux and lux steps at MTreg 69.
    /// ADC inputs below the smallest full-scale range (±0.256 V), the differences those of
    /// the single-ended values. A current monitor's values agree with its default 0.1 Ω
    /// shunt: 50 mV across it is 0.5 A, at 12 V 6 W (the simulated parts measure the two
    /// voltages and compute current and power from the driver's calibration).
    static let plausible: [String: Double] = ["temperature": 23.5, "humidity": 41.7, "pressure": 987.65,
                                              "illuminance": 500, "co2": 812,
                                              // A resistance the BME680's gas formula yields exactly (gas_adc 640,
                                              // gas_range 7 with the simulated part's range switching error 1):
                                              // its steps are tens of ohms at this resistance.
                                              "gas_resistance": 57489,
                                              "a0": 0.2, "a1": 0.15, "a2": 0.1, "a3": 0.05, "a0_a1": 0.05, "a2_a3": 0.05,
                                              "bus_voltage": 12, "shunt_voltage": 50, "current": 0.5, "power": 6]

    /// How far a value read back may lie from the simulated one where a part's step is
    /// coarser than the default 0.05: illuminance on the VEML7700 at gain 1/8 and 25 ms
    /// counts in steps of 1.8432 lx, so 500 lx reads back within half a step.
    static let tolerance: [String: Double] = ["illuminance": 0.93]

    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DeviceProfiles/examples")

    @Test("no channel is named status or fail: <prefix>/<sensor>/status and simulation.<sensor>.fail are taken",
          arguments: names)
    func reservedChannelNames(_ name: String) throws {
        let driver = try #require(SensorCatalog.driver(named: name))
        #expect(!driver.channels.contains { $0.name == "status" || $0.name == "fail" })
    }

    @Test("the catalog is not empty and names are unique")
    func unique() {
        #expect(!Self.names.isEmpty)
        #expect(Set(Self.names).count == Self.names.count)
    }

    @Test("the descriptor is coherent", arguments: names)
    func descriptor(name: String) throws {
        let driver = try #require(SensorCatalog.driver(named: name))
        #expect(driver.name == driver.part.lowercased())
        #expect(driver.allowedAddresses.contains(driver.defaultAddress))
        #expect(driver.allowedAddresses.allSatisfy { (0x03...0x77).contains($0) })
        #expect(driver.minimumInterval <= driver.defaultInterval)
        #expect(!driver.summary.isEmpty)
        #expect(!driver.channels.isEmpty)
        #expect(Set(driver.channels.map(\.name)).count == driver.channels.count)
        for channel in driver.channels {
            #expect(!channel.unit.isEmpty, "\(name).\(channel.name) has no unit")
        }
        for options in Self.optionSets(driver) {
            let channels = driver.channels(for: options)
            #expect(!channels.isEmpty, "\(name) \(options) has no channels")
            #expect(Set(channels.map(\.name)).count == channels.count, "\(name) \(options): channel names repeat")
            #expect(channels.allSatisfy { !$0.unit.isEmpty })
        }
        #expect(driver.channels(for: DriverOptions()) == driver.channels, "channels are those of the default options")
        #expect(Set(driver.options.map(\.name)).count == driver.options.count)
        for option in driver.options {
            #expect(option.accepts(option.defaultValue), "\(name).\(option.name): default \(option.defaultValue) is not of its kind")
            #expect(!option.meaning.isEmpty)
        }
    }

    @Test("unknown names find nothing", arguments: ["", "BME280", "bme28", "sht31"])
    func unknown(name: String) {
        #expect(SensorCatalog.entry(named: name) == nil)
    }

    /// Every option set: the default, then each other word of each choice option.
    static func optionSets(_ driver: DriverDescriptor) -> [DriverOptions] {
        var sets = [DriverOptions()]
        for option in driver.options {
            switch option.kind {
            case .choice(let words):
                sets += words.map { DriverOptions([option.name: .choice($0)]) }
            case .boolean:
                sets += [true, false].map { DriverOptions([option.name: .boolean($0)]) }
            case .integer, .number, .duration:
                continue
            // A declarative part's map: its example default is the set checked here.
            case .registerWrites, .registerChannels:
                continue
            }
        }
        return sets
    }

    @Test("the simulated part answers its driver with the simulated values", arguments: names)
    func simulatedPart(name: String) throws {
        let entry = try #require(SensorCatalog.entry(named: name))
        for options in Self.optionSets(entry.driver) {
            let channels = entry.driver.channels(for: options)
            let bus = SimulatedI2CBus(number: 1)
            // The drivers made by the catalog wait in real time, so the part runs on the system clock.
            let clock = SkippingClock()
            bus.attach(entry.simulate(clock) { Self.plausible[$0] }, at: entry.driver.defaultAddress)
            let driver = entry.driver.make(options)
            try driver.setUp(bus: bus, address: entry.driver.defaultAddress)
            var values = try driver.read(bus: bus, address: entry.driver.defaultAddress)
            // A part that measures on its own schedule (a CO2 sensor every 5 or 30 s) has no
            // sample right after setUp, and says so with no values: a minute later it has one.
            if values.isEmpty {
                clock.skip(.seconds(60))
                values = try driver.read(bus: bus, address: entry.driver.defaultAddress)
            }
            #expect(values.count == channels.count)
            for (channel, value) in zip(channels, values) {
                // A channel name this test has no value for (a new driver's) reads the
                // simulated part's own default: any finite value, so the test needs no edit.
                guard let expected = Self.plausible[channel.name] else {
                    #expect(value.isFinite, "\(name) \(options) \(channel.name): \(value)")
                    continue
                }
                // A heater warms the part: only its temperature may read higher.
                let heated = options.given.values.contains(.boolean(true)) && channel.name == "temperature"
                if heated {
                    #expect(value > expected, "\(name) \(options) \(channel.name)")
                } else {
                    #expect(abs(value - expected) < (Self.tolerance[channel.name] ?? 0.05),
                            "\(name) \(options) \(channel.name): \(value)")
                }
            }
        }
    }

    @Test("the example profile validates and uses the driver", arguments: names)
    func exampleProfile(name: String) throws {
        let path = Self.examples.appendingPathComponent("\(name).yaml").path
        let profile = try ProfileLoader.load(path: path)
        #expect(profile.sensors.contains { $0.driver == name }, "\(name).yaml has no \(name) sensor")
    }

    @Test("a profile's options reach the driver's factory", arguments: names)
    func optionsReachTheFactory(name: String) throws {
        let driver = try #require(SensorCatalog.driver(named: name))
        for option in driver.options {
            guard case .choice(let words) = option.kind, let last = words.last else { continue }
            let yaml = """
                gateway: { id: options }
                sensors:
                  - id: s
                    driver: \(name)
                    i2c: { bus: 1 }
                    options: { \(option.name): \(last) }
                """
            let profile = try ProfileLoader.load(text: yaml, path: "options.yaml")
            let spec = try #require(profile.sensors.first)
            #expect(spec.options.value(of: option) == .choice(last))
        }
    }
}

/// The system clock, which a test can move ahead without waiting.
final class SkippingClock: MonotonicClock, @unchecked Sendable {
    private let lock = Mutex()
    private var skipped = Interval.nanoseconds(0)

    func now() -> Timestamp { SystemClock().now() + lock.withLock { skipped } }

    func skip(_ interval: Interval) { lock.withLock { skipped = skipped + interval } }
}
