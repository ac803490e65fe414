import SensorDrivers
import SensorgateCore

/// An NXP PCA9685 at the register level: 256 registers behind one pointer, auto-increment
/// while MODE1.AI is set (else the pointer stays), PRE_SCALE writable only while
/// MODE1.SLEEP is set (datasheet 7.3.5), power-on MODE1 = 0x11 (SLEEP, ALLCALL),
/// MODE2 = 0x04, PRE_SCALE = 0x1E (200 Hz), every channel full off.
///
/// ``duty(channel:)`` reads what a channel's LEDn_ON/OFF registers make of the period.
/// Not modelled: the outputs themselves, ALL_LED registers, sub-addresses, EXTCLK, the
/// RESTART sequence beyond storing the bit.
public final class SimulatedPCA9685: SimulatedI2CDevice, @unchecked Sendable {
    private let lock = Mutex()
    private var registers = [UInt8](repeating: 0, count: 256)

    public init() {
        registers[Int(PCA9685.Register.mode1)] = PCA9685.Mode1.sleep | PCA9685.Mode1.allCall
        registers[Int(PCA9685.Register.mode2)] = PCA9685.mode2OutputDrive
        registers[Int(PCA9685.Register.preScale)] = 0x1E
        for channel in 0..<PCA9685.channelCount {
            registers[Int(PCA9685.Register.led0OnL) + 4 * channel + 3] = PCA9685.fullBit
        }
    }

    public func register(_ address: UInt8) -> UInt8 { lock.withLock { registers[Int(address)] } }

    /// The 4 registers of a channel: ON_L, ON_H, OFF_L, OFF_H.
    public func channelRegisters(_ channel: Int) -> [UInt8] {
        lock.withLock { Array(registers[(6 + 4 * channel)..<(10 + 4 * channel)]) }
    }

    /// The share of the period a channel is high, 0...1: full off wins over full on,
    /// else (OFF - ON) mod 4096 steps.
    public func duty(channel: Int) -> Double {
        let bytes = channelRegisters(channel)
        if bytes[3] & PCA9685.fullBit != 0 { return 0 }
        if bytes[1] & PCA9685.fullBit != 0 { return 1 }
        let on = Int(bytes[1] & 0x0F) << 8 | Int(bytes[0])
        let off = Int(bytes[3] & 0x0F) << 8 | Int(bytes[2])
        return Double((off - on + 4096) % 4096) / 4096
    }

    public func readRegister(_ register: UInt8) -> UInt8 { lock.withLock { registers[Int(register)] } }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        lock.withLock {
            if register == PCA9685.Register.preScale,
               registers[Int(PCA9685.Register.mode1)] & PCA9685.Mode1.sleep == 0 { return }
            registers[Int(register)] = value
        }
    }

    private var autoIncrement: Bool {
        lock.withLock { registers[Int(PCA9685.Register.mode1)] & PCA9685.Mode1.autoIncrement != 0 }
    }

    public func write(_ bytes: [UInt8], pointer: inout UInt8) -> Bool {
        guard let first = bytes.first else { return true }
        pointer = first
        for value in bytes.dropFirst() {
            writeRegister(pointer, value: value)
            if autoIncrement { pointer &+= 1 }
        }
        return true
    }

    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        var bytes: [UInt8] = []
        for _ in 0..<count {
            bytes.append(readRegister(pointer))
            if autoIncrement { pointer &+= 1 }
        }
        return bytes
    }
}
