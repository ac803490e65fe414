/// `absolute_humidity`: the mass of water vapour per volume of air, in g/m³, from the
/// temperature in °C and the relative humidity in %.
///
/// The ideal gas law for water vapour, `ρ = e / (R_v · T)`, with the vapour pressure
/// `e = RH/100 · e_s(T)` from ``MagnusFormula`` and `R_v = R / M_w = 8.314 / 0.018015
/// = 461.5 J/(kg·K)`, the specific gas constant of water vapour.
public enum AbsoluteHumidity {
    /// J/(kg·K)
    public static let waterVapourGasConstant = 461.5
    public static let zeroCelsiusInKelvin = 273.15

    public static func gramsPerCubicMetre(temperature: Double, relativeHumidity: Double) -> DerivedResult {
        guard relativeHumidity >= 0 else { return .undefined("relative humidity \(relativeHumidity) % (below 0 %)") }
        let kelvin = temperature + zeroCelsiusInKelvin
        guard kelvin > 0 else { return .undefined("temperature \(temperature) °C (below absolute zero)") }
        // hPa → Pa (×100), kg → g (×1000).
        let vapourPressure = relativeHumidity / 100 * MagnusFormula.saturationPressure(celsius: temperature) * 100
        return .checked(vapourPressure / (waterVapourGasConstant * kelvin) * 1000)
    }
}
