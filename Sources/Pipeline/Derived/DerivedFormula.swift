/// What a derived channel computes from its operands' latest values.
public enum DerivedFormula: Sendable, Equatable {
    /// Operands `temperature` (°C), `humidity` (%); gives °C.
    case dewPoint
    /// Operands `temperature` (°C), `humidity` (%); gives g/m³.
    case absoluteHumidity
    /// Operand `pressure` (hPa) at `altitude` metres; gives hPa.
    case seaLevelPressure(altitude: Double)
    /// Operands `temperature` (°C), `humidity` (%); gives °C.
    case heatIndex
    /// Operands as `vars` names them, in that order.
    case expression(DerivedExpression)

    /// The built-ins by their profile key.
    public static let builtInNames = ["dew_point", "absolute_humidity", "sea_level_pressure", "heat_index"]

    /// The operands a built-in takes, by profile key, with the unit each must be in.
    public static func builtInOperands(_ name: String) -> [(name: String, unit: String)] {
        switch name {
        case "sea_level_pressure": [("pressure", "hPa")]
        default: [("temperature", "°C"), ("humidity", "%")]
        }
    }

    /// The payload's `unit`; nil for an expression, whose unit the profile gives.
    public var unit: String? {
        switch self {
        case .dewPoint, .heatIndex: "°C"
        case .absoluteHumidity: "g/m³"
        case .seaLevelPressure: "hPa"
        case .expression: nil
        }
    }

    /// Home Assistant's `device_class`, where one fits.
    public var deviceClass: String? {
        switch self {
        case .dewPoint, .heatIndex: "temperature"
        case .seaLevelPressure: "atmospheric_pressure"
        case .absoluteHumidity: "absolute_humidity"
        case .expression: nil
        }
    }

    /// Decimal places worth publishing: a built-in's result is no finer than its inputs.
    public var decimals: Int? {
        switch self {
        case .dewPoint, .heatIndex, .absoluteHumidity, .seaLevelPressure: 2
        case .expression: nil
        }
    }

    /// The value from `operands`, in the order the formula's operands are listed.
    public func evaluate(_ operands: [Double]) -> DerivedResult {
        switch self {
        case .dewPoint:
            guard operands.count == 2 else { return .undefined("dew_point takes 2 operands") }
            return DewPoint.celsius(temperature: operands[0], relativeHumidity: operands[1])
        case .absoluteHumidity:
            guard operands.count == 2 else { return .undefined("absolute_humidity takes 2 operands") }
            return AbsoluteHumidity.gramsPerCubicMetre(temperature: operands[0], relativeHumidity: operands[1])
        case .heatIndex:
            guard operands.count == 2 else { return .undefined("heat_index takes 2 operands") }
            return HeatIndex.celsius(temperature: operands[0], relativeHumidity: operands[1])
        case .seaLevelPressure(let altitude):
            guard operands.count == 1 else { return .undefined("sea_level_pressure takes 1 operand") }
            return SeaLevelPressure.hectopascals(pressure: operands[0], altitude: altitude)
        case .expression(let expression):
            return expression.evaluate(operands)
        }
    }
}
