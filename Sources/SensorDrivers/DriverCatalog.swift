import SensorgateCore

/// The sensor drivers this build knows, by profile `driver:` name.
///
/// An explicit list, not registration by side effect: adding a driver means adding
/// one line here.
public enum DriverCatalog {
    /// Every driver, in the order `sensorgate drivers` lists them. An explicit list.
    public static let all: [DriverDescriptor] = [BME280.descriptor]

    /// The driver whose profile name is `name` (`bme280`), or nil.
    public static func descriptor(named name: String) -> DriverDescriptor? {
        all.first { $0.name == name }
    }
}
