/// The calibration register of a Texas Instruments INA219 or INA226 current monitor and
/// the current and power LSBs it gives, from the shunt resistor and the largest current
/// expected (INA219 datasheet section 8.5.1, INA226 "Programming": the same procedure
/// with another constant).
///
/// The datasheets take Current_LSB = max current / 2^15, the smallest LSB that keeps the
/// signed current register in range, and suggest rounding it up to a round number. This
/// driver does not round: it keeps the finest resolution, and a profile that wants the
/// datasheet's round LSB sets `max_current` to LSB × 32768 (1 mA: 32.768 A). Three
/// adjustments keep the register valid for every option value:
/// - the max current is cut to what the shunt range lets the part see (full-scale shunt
///   voltage / R): beyond it the shunt register saturates anyway;
/// - CAL = trunc(constant / (Current_LSB × R)) is capped at the register's largest value,
///   which makes the LSB larger than asked for (a tiny max current on a small shunt);
/// - the LSB published is the one the truncated CAL implies, constant / (CAL × R), so that
///   current = shunt voltage / R exactly up to the chip's own integer rounding; the
///   asked-for LSB would carry the truncation error (up to 1 / CAL).
public struct ShuntCalibration: Sendable, Equatable {
    /// The calibration register value.
    public var register: UInt16
    /// Amperes per bit of the current register.
    public var currentLSB: Double
    /// Watts per bit of the power register.
    public var powerLSB: Double

    /// A calibration register already chosen, with the LSBs it implies.
    public init(register: UInt16, shuntOhms: Double, constant: Double, powerRatio: Double) {
        self.register = register
        currentLSB = constant / (Double(max(register, 1)) * shuntOhms)
        powerLSB = powerRatio * currentLSB
    }

    /// - Parameters:
    ///   - constant: 0.04096 (INA219) or 0.00512 (INA226): CAL = constant / (Current_LSB × R).
    ///   - powerRatio: Power_LSB / Current_LSB: 20 (INA219) or 25 (INA226).
    ///   - fullScaleShunt: the shunt voltage range in volts.
    ///   - largestRegister: 0xFFFE (INA219: bit 0 is void) or 0x7FFF (INA226: bit 15 reserved).
    ///   - smallestStep: 2 when bit 0 of the register does not exist (INA219), else 1.
    public init(maxCurrent: Double, shuntOhms: Double, constant: Double, powerRatio: Double,
                fullScaleShunt: Double, largestRegister: UInt16, smallestStep: UInt16 = 1) {
        let seen = min(maxCurrent, fullScaleShunt / shuntOhms)
        let minimumLSB = seen / 32768
        // The tiny nudge keeps a quotient that is whole on paper (0.04096 / (1 mA × 2 mΩ) = 20480)
        // from truncating to one less through binary rounding.
        let exact = (constant / (minimumLSB * shuntOhms) * (1 + 1e-12)).rounded(.towardZero)
        let capped = min(exact, Double(largestRegister))
        let register = UInt16(capped) / smallestStep * smallestStep
        self.init(register: max(register, smallestStep), shuntOhms: shuntOhms, constant: constant, powerRatio: powerRatio)
    }
}
