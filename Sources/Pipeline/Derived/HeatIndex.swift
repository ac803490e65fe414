/// `heat_index`: how hot humid air feels, in °C, from the temperature in °C and the
/// relative humidity in %.
///
/// The US National Weather Service's algorithm ("The Heat Index Equation",
/// https://www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml), which works in °F:
/// first Steadman's simple formula `HI = 0.5·(T + 61 + (T − 68)·1.2 + RH·0.094)`; if the
/// mean of that and `T` is 80 °F or more, Rothfusz's regression (NWS Technical
/// Attachment SR 90-23, 1990) instead, minus `((13 − RH)/4)·sqrt((17 − |T − 95|)/17)`
/// when RH < 13 % and 80 °F ≤ T ≤ 112 °F, plus `((RH − 85)/10)·((87 − T)/5)` when
/// RH > 85 % and 80 °F ≤ T ≤ 87 °F. Converted from and back to °C here.
public enum HeatIndex {
    public static func celsius(temperature: Double, relativeHumidity: Double) -> DerivedResult {
        let fahrenheit = temperature * 9 / 5 + 32
        return .checked((fahrenheitIndex(fahrenheit: fahrenheit, relativeHumidity: relativeHumidity) - 32) * 5 / 9)
    }

    /// The NWS algorithm itself, °F in and out.
    public static func fahrenheitIndex(fahrenheit t: Double, relativeHumidity rh: Double) -> Double {
        let simple = 0.5 * (t + 61 + (t - 68) * 1.2 + rh * 0.094)
        guard (simple + t) / 2 >= 80 else { return simple }
        var index = -42.379 + 2.04901523 * t + 10.14333127 * rh - 0.22475541 * t * rh
            - 0.00683783 * t * t - 0.05481717 * rh * rh + 0.00122874 * t * t * rh
            + 0.00085282 * t * rh * rh - 0.00000199 * t * t * rh * rh
        if rh < 13, (80...112).contains(t) {
            index -= (13 - rh) / 4 * ((17 - abs(t - 95)) / 17).squareRoot()
        } else if rh > 85, (80...87).contains(t) {
            index += (rh - 85) / 10 * ((87 - t) / 5)
        }
        return index
    }
}
