#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sea_level_pressure`: the station pressure in hPa reduced to mean sea level for a
/// station `altitude` metres above it, the figure weather reports and maps use.
///
/// The barometric formula of the International Standard Atmosphere's troposphere
/// (ICAO Doc 7488, U.S. Standard Atmosphere 1976): `p = p0 · (1 − L·h / T0)^(g·M / (R·L))`
/// solved for `p0`, with `T0 = 288.15 K`, `L = 0.0065 K/m` and the exponent
/// `g·M/(R·L) = 5.25588`. It assumes the standard temperature profile rather than the
/// measured temperature, so it needs no temperature operand and reproduces the ISA's
/// pressure-altitude table exactly; Bosch's BMP180 datasheet (section 3.7) gives the
/// same formula in the form `p0 = p / (1 − h/44330)^5.255`.
public enum SeaLevelPressure {
    /// K
    public static let standardTemperature = 288.15
    /// K/m
    public static let lapseRate = 0.0065
    public static let exponent = 5.25588
    /// The altitudes a profile may give, in m: the Dead Sea shore to above Everest, far
    /// inside the troposphere the formula models (it ends at 11,000 m).
    public static let altitudes: ClosedRange<Double> = -500...9_000

    public static func hectopascals(pressure: Double, altitude: Double) -> DerivedResult {
        guard pressure > 0 else { return .undefined("pressure \(pressure) hPa (not above 0)") }
        return .checked(pressure / pow(1 - lapseRate * altitude / standardTemperature, exponent))
    }
}
