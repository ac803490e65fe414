import SensorDrivers
import SensorgateCore
import Simulation

/// One driver and the simulated part that stands in for it under `run --simulate`.
public struct CatalogEntry: Sendable {
    /// Makes the simulated part: `values` gives the physical values by channel name.
    public typealias Simulator = @Sendable (_ clock: any MonotonicClock,
                                            _ values: @escaping @Sendable (String) -> Double?) -> any SimulatedI2CDevice

    /// Makes the simulated part of a sensor with `options`: a part the options describe
    /// (a declarative register map) is generated from them.
    public typealias ConfiguredSimulator = @Sendable (_ options: DriverOptions, _ clock: any MonotonicClock,
                                                      _ values: @escaping @Sendable (String) -> Double?) -> any SimulatedI2CDevice

    public var driver: DriverDescriptor
    /// The simulated part with the default options.
    public var simulate: Simulator
    public var simulateWithOptions: ConfiguredSimulator

    public init(_ driver: DriverDescriptor, simulate: @escaping Simulator) {
        self.driver = driver
        self.simulate = simulate
        self.simulateWithOptions = { _, clock, values in simulate(clock, values) }
    }

    public init(_ driver: DriverDescriptor, simulateWithOptions: @escaping ConfiguredSimulator) {
        self.driver = driver
        self.simulate = { clock, values in simulateWithOptions(DriverOptions(), clock, values) }
        self.simulateWithOptions = simulateWithOptions
    }
}

/// The sensor drivers this build knows, by profile `driver:` name, each with its
/// simulated part.
///
/// An explicit list, not registration by side effect: adding a driver means adding
/// one line here (plus its driver file, simulated part, example profile and tests).
/// It lives above `SensorDrivers` and `Simulation` so that one line pairs the two;
/// the profile validator, the gateway and the command line all read it.
public enum SensorCatalog {
    /// Every driver, in the order `sensorgate drivers` lists them.
    public static let entries: [CatalogEntry] = [
        CatalogEntry(BME280.descriptor) { SimulatedBME280(clock: $0, values: $1) },
        CatalogEntry(BMP280.descriptor) { SimulatedBMP280.make(clock: $0, values: $1) },
        CatalogEntry(SHT3x.descriptor) { SimulatedSHT3x(clock: $0, values: $1) },
        CatalogEntry(SHT4x.descriptor) { SimulatedSHT4x(clock: $0, values: $1) },
        CatalogEntry(AHT20.descriptor) { SimulatedAHT20(clock: $0, values: $1) },
        CatalogEntry(HTU21D.descriptor) { SimulatedHTU21D(clock: $0, values: $1) },
        CatalogEntry(BH1750.descriptor) { SimulatedBH1750(clock: $0, values: $1) },
        CatalogEntry(MCP9808.descriptor) { SimulatedMCP9808(clock: $0, values: $1) },
        CatalogEntry(LM75.descriptor) { SimulatedLM75(clock: $0, values: $1) },
        CatalogEntry(TMP102.descriptor) { SimulatedTMP102(clock: $0, values: $1) },
        CatalogEntry(SCD4x.descriptor) { SimulatedSCD4x(clock: $0, values: $1) },
        CatalogEntry(BME680.descriptor) { SimulatedBME680(clock: $0, values: $1) },
        CatalogEntry(VEML7700.descriptor) { SimulatedVEML7700(clock: $0, values: $1) },
        CatalogEntry(ADS1x15.ads1115Descriptor) { SimulatedADS1x15(model: .ads1115, clock: $0, values: $1) },
        CatalogEntry(ADS1x15.ads1015Descriptor) { SimulatedADS1x15(model: .ads1015, clock: $0, values: $1) },
        CatalogEntry(INA219.descriptor) { SimulatedINA219(clock: $0, values: $1) },
        CatalogEntry(INA226.descriptor) { SimulatedINA226(clock: $0, values: $1) },
        CatalogEntry(RegisterMapDriver.descriptor) { SimulatedRegisterMap(map: RegisterMapDriver.map($0), clock: $1, values: $2) },
    ]

    /// Every driver's descriptor, in catalog order.
    public static var drivers: [DriverDescriptor] { entries.map(\.driver) }

    /// The entry whose profile name is `name` (`bme280`), or nil.
    public static func entry(named name: String) -> CatalogEntry? {
        entries.first { $0.driver.name == name }
    }

    /// The driver whose profile name is `name` (`bme280`), or nil.
    public static func driver(named name: String) -> DriverDescriptor? {
        entry(named: name)?.driver
    }
}
