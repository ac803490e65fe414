#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Saturation vapour pressure over liquid water and its inverse, the Magnus form
/// `e_s(T) = C · exp(A·T / (B + T))`.
///
/// Constants from Alduchov & Eskridge (1996), "Improved Magnus form approximation of
/// saturation vapor pressure", J. Appl. Meteor. 35, 601–609 (their AERK fit:
/// A = 17.625, B = 243.04 °C, C = 6.1094 hPa), which Lawrence (2005), "The relationship
/// between relative humidity and the dewpoint temperature in moist air", BAMS 86,
/// 225–233, recommends for dew points; their stated relative error against the
/// Wexler/Sonntag saturation pressures is under 0.4 % from −40 °C to 50 °C.
public enum MagnusFormula {
    public static let a = 17.625
    public static let b = 243.04
    /// hPa
    public static let c = 6.1094

    /// Saturation vapour pressure in hPa at `celsius`.
    @inlinable
    public static func saturationPressure(celsius: Double) -> Double {
        c * exp(a * celsius / (b + celsius))
    }

    /// `γ = ln(RH/100) + A·T/(B + T)`: the exponent the vapour pressure has at the dew point.
    static func gamma(celsius: Double, relativeHumidity: Double) -> Double {
        log(relativeHumidity / 100) + a * celsius / (b + celsius)
    }
}
