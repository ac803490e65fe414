import SensorgateCore

/// NXP PCA9685, a 16-channel 12-bit PWM controller (LED0...LED15) on its internal 25 MHz
/// oscillator.
///
/// Datasheet: https://www.nxp.com/docs/en/data-sheet/PCA9685.pdf, section 7.3
/// (register map), 7.3.1 (MODE1: a write to PRE_SCALE only takes while SLEEP is 1; the
/// oscillator needs 500 µs after SLEEP is cleared before RESTART), 7.3.3 (LEDn_ON/OFF: 12-bit
/// counts of the 4096-step period, bit 4 of ON_H is "full on", bit 4 of OFF_H "full off",
/// full off winning), 7.3.5 (PRE_SCALE = round(25 MHz / (4096 × f)) - 1, 3...255, so
/// 24...1526 Hz).
///
/// Set up as: MODE1 = SLEEP | AI (PRE_SCALE can be written, all-call off), PRE_SCALE,
/// MODE2 = OUTDRV (totem pole, the power-on default), MODE1 = AI (oscillator on), a wait of
/// 500 µs, MODE1 = RESTART | AI. A channel is one 4-byte auto-increment write of its
/// LEDn_ON_L ... LEDn_OFF_H, every pulse starting at count 0.
public struct PCA9685: Sendable {
    public enum Register {
        public static let mode1: UInt8 = 0x00
        public static let mode2: UInt8 = 0x01
        public static let led0OnL: UInt8 = 0x06
        public static let preScale: UInt8 = 0xFE
    }

    public enum Mode1 {
        public static let restart: UInt8 = 1 << 7
        public static let autoIncrement: UInt8 = 1 << 5
        public static let sleep: UInt8 = 1 << 4
        public static let allCall: UInt8 = 1 << 0
    }

    /// MODE2 OUTDRV: totem-pole outputs.
    public static let mode2OutputDrive: UInt8 = 1 << 2
    /// A5...A0 select 0x40...0x7F (0x70 is the power-on all-call address, 0x00 the general call).
    public static let defaultAddress: UInt8 = 0x40
    public static let oscillatorHz = 25_000_000.0
    public static let counts = 4096
    /// Bit 4 of LEDn_ON_H and LEDn_OFF_H.
    public static let fullBit: UInt8 = 0x10
    public static let frequencyRange = 24.0...1526.0
    public static let channelCount = 16
    /// The oscillator's start-up time after SLEEP is cleared.
    public static let oscillatorStartUp = Interval.microseconds(500)

    public let frequency: Double
    private let sleep: Sleeper

    public init(frequency: Double, sleep: @escaping Sleeper = sleepThread) {
        self.frequency = frequency
        self.sleep = sleep
    }

    /// PRE_SCALE for `frequency`: round(25 MHz / (4096 × f)) - 1, clamped to 3...255.
    public static func preScale(frequency: Double) -> UInt8 {
        let value = (oscillatorHz / (Double(counts) * frequency)).rounded() - 1
        return UInt8(min(max(value, 3), 255))
    }

    /// The frequency the part really runs at for a PRE_SCALE value.
    public static func actualFrequency(preScale: UInt8) -> Double {
        oscillatorHz / (Double(counts) * (Double(preScale) + 1))
    }

    /// The period of the frequency the part really runs at.
    public var period: Interval {
        let hz = Self.actualFrequency(preScale: Self.preScale(frequency: frequency))
        return Interval(nanoseconds: Int64((1e9 / hz).rounded()))
    }

    public func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {
        try bus.writeRegister(address: address, register: Register.mode1, value: Mode1.sleep | Mode1.autoIncrement)
        try bus.writeRegister(address: address, register: Register.preScale, value: Self.preScale(frequency: frequency))
        try bus.writeRegister(address: address, register: Register.mode2, value: Self.mode2OutputDrive)
        try bus.writeRegister(address: address, register: Register.mode1, value: Mode1.autoIncrement)
        sleep(Self.oscillatorStartUp)
        try bus.writeRegister(address: address, register: Register.mode1, value: Mode1.restart | Mode1.autoIncrement)
        let scale = try bus.readRegister(address: address, register: Register.preScale)
        guard scale == Self.preScale(frequency: frequency) else {
            throw I2CError(.invalidReply, bus: bus.number, address: address,
                           "PRE_SCALE reads \(scale) after writing \(Self.preScale(frequency: frequency)): not a PCA9685?")
        }
    }

    /// Sets channel `channel` to `count` of 4096 steps high per period (0 is full off,
    /// 4096 full on).
    public func write(bus: any I2CBus, address: UInt8, channel: Int, count: Int) throws(I2CError) {
        try bus.writeBlock(address: address, register: Register.led0OnL + UInt8(4 * channel),
                           bytes: Self.channelBytes(count: count))
    }

    /// LEDn_ON_L, ON_H, OFF_L, OFF_H for `count` steps high: full off for 0, full on for
    /// 4096 (or more), else on at 0 and off at `count`.
    public static func channelBytes(count: Int) -> [UInt8] {
        if count <= 0 { return [0, 0, 0, fullBit] }
        if count >= counts { return [0, fullBit, 0, 0] }
        return [0, 0, UInt8(count & 0xFF), UInt8(count >> 8)]
    }

    /// The steps high for a duty cycle in percent.
    public static func count(duty: Double) -> Int { Int((duty / 100 * Double(counts)).rounded()) }

    /// The steps high for a pulse width within `period`.
    public static func count(pulse: Interval, period: Interval) -> Int {
        Int((Double(pulse.nanoseconds) / Double(period.nanoseconds) * Double(counts)).rounded())
    }
}
