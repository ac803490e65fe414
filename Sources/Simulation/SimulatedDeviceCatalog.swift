import SensorgateCore

/// The simulated parts that stand in for each driver under `run --simulate`.
public enum SimulatedDeviceCatalog {
    /// A simulated part for the driver named `driver` (`bme280`), reading its physical
    /// values from `values` by channel name; nil if no simulation exists for that driver.
    public static func make(driver: String, clock: any MonotonicClock = SystemClock(),
                            values: @escaping @Sendable (String) -> Double?) -> (any SimulatedI2CDevice)? {
        switch driver {
        case "bme280": SimulatedBME280(clock: clock, values: values)
        default: nil
        }
    }

    /// The driver names that have a simulated part.
    public static let drivers: [String] = ["bme280"]
}
