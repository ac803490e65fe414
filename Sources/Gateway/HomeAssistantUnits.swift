/// The units Home Assistant's sensor entity accepts for each device class the drivers
/// name (its sensor documentation, "Device class"). Home Assistant refuses an entity
/// whose unit does not fit its device class, so a channel with a pair not listed here is
/// announced with its unit and without a device class rather than not at all.
enum HomeAssistantUnits {
    static let accepted: [String: Set<String>] = [
        "temperature": ["°C", "°F", "K"],
        "humidity": ["%"],
        "pressure": ["cbar", "bar", "hPa", "mmHg", "inHg", "kPa", "mbar", "Pa", "psi"],
        "atmospheric_pressure": ["cbar", "bar", "hPa", "mmHg", "inHg", "kPa", "mbar", "Pa", "psi"],
        "absolute_humidity": ["g/m³", "mg/m³"],
        "carbon_dioxide": ["ppm"],
        "illuminance": ["lx"],
        "voltage": ["V", "mV", "µV", "kV", "MV"],
        "current": ["A", "mA"],
        "power": ["W", "kW", "MW", "GW", "TW", "mW", "BTU/h"],
        "frequency": ["Hz", "kHz", "MHz", "GHz"],
        "duration": ["d", "h", "min", "s", "ms", "µs"],
    ]

    /// Whether Home Assistant takes `unit` for `deviceClass`.
    static func accepts(deviceClass: String, unit: String) -> Bool {
        accepted[deviceClass]?.contains(unit) ?? false
    }
}
