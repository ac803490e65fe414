import SensorDrivers
import SensorgateCore

/// A Bosch BMP280: the simulated BME280's register model with the BMP280's chip id
/// (0x58). The driver reads only the registers the two parts share (calibration
/// 0x88...0x9F, id, reset, status, `ctrl_meas`, `config`, data 0xF7...0xFC), which
/// behave identically; the humidity registers the real BMP280 lacks are still present.
public enum SimulatedBMP280 {
    public static func make(clock: any MonotonicClock = SystemClock(),
                            values: @escaping @Sendable (String) -> Double?) -> SimulatedBME280 {
        SimulatedBME280(chipID: BMP280.chipID, clock: clock, values: values)
    }
}
