import SensorDrivers
import SensorgateCore

/// An LM75 at the register level: the temperature, T_HYST and T_OS registers (16 bits,
/// MSB first) and the 8-bit configuration behind one pointer that reads do not advance.
///
/// The temperature register is computed at each read from `values("temperature")` (nil
/// means 21 °C), as the continuously converting part shows it, left-justified in
/// `resolution`'s bits (9 for the original LM75, 11 for the LM75B), the value truncated
/// toward minus infinity to the step; the undefined low bits read 0. In shutdown
/// (configuration D0) it keeps the last value. Not modelled: conversion timing, the O.S.
/// output and its thermostat logic.
public final class SimulatedLM75: SimulatedI2CDevice, @unchecked Sendable {
    public let resolution: LM75.Resolution
    private let values: @Sendable (String) -> Double?
    private let lock = Mutex()
    private var configuration: UInt8 = LM75.configurationPowerUp
    private var hysteresis: UInt16 = 0x4B00 // 75 °C
    private var overTemperature: UInt16 = 0x5000 // 80 °C
    private var lastTemperature: UInt16 = 0
    private var implausibleReads = 0

    /// - Parameter clock: unused, the part converts continuously; taken for the catalog's shape.
    public init(resolution: LM75.Resolution = .half, shutDown: Bool = false, clock: any MonotonicClock = SystemClock(),
                values: @escaping @Sendable (String) -> Double?) {
        self.resolution = resolution
        self.values = values
        if shutDown { configuration |= LM75.shutdownBit }
    }

    /// The configuration register now.
    public var configurationValue: UInt8 { lock.withLock { configuration } }

    /// Each of the next `count` reads of the temperature register returns 0x7F80
    /// (+127.5 °C, beyond the operating range).
    public func implausibleNextReads(_ count: Int) { lock.withLock { implausibleReads += count } }

    /// The temperature register for `celsius` with `bits` significant bits of `step` °C.
    public static func temperatureRegister(celsius: Double, bits: Int, step: Double) -> UInt16 {
        let limit = Double(1 << (bits - 1))
        let steps = celsius.isFinite ? min(max((celsius / step).rounded(.down), -limit), limit - 1) : 0
        return UInt16(bitPattern: Int16(steps) << (16 - bits))
    }

    // MARK: SimulatedI2CDevice

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true } // an address-only write (a scan)
        pointer = first & 0b11 // P7...P2 must be 0 (section 1.11)
        let data = Array(bytes.dropFirst())
        lock.withLock {
            switch (pointer, data.count) {
            case (LM75.Register.configuration, 1): configuration = data[0] & 0b1_1111
            case (LM75.Register.hysteresis, 2): hysteresis = RegisterBytes.uint16BE(data[0], data[1])
            case (LM75.Register.overTemperatureShutdown, 2): overTemperature = RegisterBytes.uint16BE(data[0], data[1])
            default: break // only the pointer moved, or the read-only temperature register
            }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        lock.withLock {
            let bytes: [UInt8]
            switch pointer {
            case LM75.Register.temperature:
                if implausibleReads > 0 {
                    implausibleReads -= 1
                    bytes = RegisterBytes.bytesBE(0x7F80)
                } else {
                    if configuration & LM75.shutdownBit == 0 {
                        lastTemperature = Self.temperatureRegister(celsius: values("temperature") ?? 21,
                                                                   bits: resolution.bits, step: resolution.step)
                    }
                    bytes = RegisterBytes.bytesBE(lastTemperature)
                }
            case LM75.Register.configuration: bytes = [configuration]
            case LM75.Register.hysteresis: bytes = RegisterBytes.bytesBE(hysteresis)
            default: bytes = RegisterBytes.bytesBE(overTemperature)
            }
            return Array(bytes.prefix(count))
        }
    }
}
