import SensorDrivers
import SensorgateCore

/// A TI TMP102 at the register level: temperature, configuration, T_LOW and T_HIGH, all
/// 16 bits, most significant byte first, behind one pointer that reads do not advance.
///
/// The temperature register is computed at each read from `values("temperature")` (nil
/// means 21 °C), as the continuously converting part shows it: in the format the EM bit
/// selects (12 bits, or 13 with bit D0 set), truncated toward minus infinity to 0.0625 °C,
/// clamped to the format's range (the normal format saturates at 127.9375 °C). The
/// configuration keeps writes to its writable bits; R1, R0 read 11 and AL reads 1. In
/// shutdown (SD) the register keeps its last value. Not modelled: conversion timing and
/// rate, one-shot, the alert logic.
public final class SimulatedTMP102: SimulatedI2CDevice, @unchecked Sendable {
    /// The bits a write changes: OS F1 F0 POL TM SD, CR1 CR0 EM.
    static let writableConfiguration: UInt16 = 0x9FD0

    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var configuration = TMP102.configurationPowerUp
    private var low: UInt16 = 0x4B00 // 75 °C
    private var high: UInt16 = 0x5000 // 80 °C
    private var lastTemperature: UInt16 = 0
    private var implausibleReads = 0

    /// - Parameter clock: unused, the part converts continuously; taken for the catalog's shape.
    public init(clock: any MonotonicClock = SystemClock(), values: @escaping @Sendable (String) -> Double?) {
        self.values = values
    }

    /// The configuration register now.
    public var configurationValue: UInt16 { lock.withLock { configuration } }

    /// Each of the next `count` reads of the temperature register returns 0x7FF9
    /// (extended format, +255.9375 °C, beyond the operating range).
    public func implausibleNextReads(_ count: Int) { lock.withLock { implausibleReads += count } }

    /// The temperature register for `celsius` in the normal or extended format.
    public static func temperatureRegister(celsius: Double, extended: Bool) -> UInt16 {
        let register = SimulatedLM75.temperatureRegister(celsius: celsius, bits: extended ? 13 : 12, step: 0.0625)
        return extended ? register | 1 : register
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true } // an address-only write (a scan)
        pointer = first & 0b11 // P7...P2 must be 0
        let data = Array(bytes.dropFirst())
        guard data.count == 2 else { return true } // only the pointer moved
        let value = RegisterBytes.uint16BE(data[0], data[1])
        lock.withLock {
            switch pointer {
            case TMP102.Register.configuration:
                configuration = (configuration & ~Self.writableConfiguration) | (value & Self.writableConfiguration)
            case TMP102.Register.low: low = value
            case TMP102.Register.high: high = value
            default: break // the read-only temperature register
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            let value: UInt16
            switch pointer {
            case TMP102.Register.temperature:
                if implausibleReads > 0 {
                    implausibleReads -= 1
                    value = 0x7FF9
                } else {
                    // SD is bit 8 of the word (D0 of byte 1).
                    if configuration & 0x0100 == 0 {
                        let extended = configuration & TMP102.ConfigurationBit.extendedMode != 0
                        lastTemperature = Self.temperatureRegister(celsius: values("temperature") ?? 21, extended: extended)
                    }
                    value = lastTemperature
                }
            case TMP102.Register.configuration: value = configuration
            case TMP102.Register.low: value = low
            default: value = high
            }
            return Array(RegisterBytes.bytesBE(value).prefix(count))
        }
    }
}
