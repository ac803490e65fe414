/// `dew_point`: the temperature at which the air's water vapour would saturate, in °C,
/// from the temperature in °C and the relative humidity in %.
///
/// The Magnus form solved for the temperature (Lawrence 2005, eq. 8):
/// `T_d = B·γ / (A − γ)` with `γ = ln(RH/100) + A·T/(B + T)` and the constants of
/// ``MagnusFormula``.
public enum DewPoint {
    public static func celsius(temperature: Double, relativeHumidity: Double) -> DerivedResult {
        guard relativeHumidity > 0 else { return .undefined("relative humidity \(relativeHumidity) % (no dew point at or below 0 %)") }
        let gamma = MagnusFormula.gamma(celsius: temperature, relativeHumidity: relativeHumidity)
        return .checked(MagnusFormula.b * gamma / (MagnusFormula.a - gamma))
    }
}
