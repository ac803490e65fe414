import SensorDrivers
import SensorgateCore

/// A Microchip MCP23017 at the register level, in the power-on layout (IOCON.BANK = 0:
/// each A register followed by its B register, the pointer advancing on every byte).
///
/// Pins are driven by the outside world through ``drive(offset:level:at:)``; an input
/// that nothing drives reads 1 with its pull-up (GPPU) and keeps its last level without.
/// GPIO reads the pins of inputs (XOR IPOL) and the latch of outputs; a write to GPIO
/// writes OLAT. Interrupts follow section 3.6 with INTCON = 0 (compare with the previous
/// value) or 1 (with DEFVAL): a change of an enabled input sets its INTF bit and captures
/// the port into INTCAP; reading GPIO or INTCAP of a port clears that port's flags. INT is
/// reported through ``interruptChanged`` (true = asserted); with IOCON.MIRROR, INTA and
/// INTB are one signal. Not modelled: BANK = 1, SEQOP = 1 (the pointer always advances),
/// INTPOL and ODR (INT is reported as asserted or not), the hardware address enable.
public final class SimulatedMCP23017: SimulatedI2CDevice, SimulatedPins, @unchecked Sendable {
    private let lock = Mutex()
    /// 0x00 ... 0x15, BANK = 0.
    private var registers = [UInt8](repeating: 0, count: 0x16)
    /// What the outside world drives onto each pin; nil when it floats.
    private var external = [Bool?](repeating: nil, count: 16)
    /// The pins' physical levels.
    private var pins: UInt16 = 0
    private var asserted = false
    /// Called with the new INT state (true = asserted, pulled low) whenever it changes,
    /// outside the part's lock, from the thread that caused it.
    public var interruptChanged: (@Sendable (Bool) -> Void)?

    public init() {
        registers[Int(MCP23017.Register.iodirA)] = 0xFF
        registers[Int(MCP23017.Register.iodirA) + 1] = 0xFF
    }

    // MARK: Test and simulator access

    /// A register's value as the part holds it (GPIO and INTCAP as stored, not as read).
    public func register(_ address: UInt8) -> UInt8 { lock.withLock { registers[Int(address)] } }

    /// A pair of registers, A in the low byte.
    public func pair(_ address: UInt8) -> UInt16 {
        lock.withLock { UInt16(registers[Int(address)]) | UInt16(registers[Int(address) + 1]) << 8 }
    }

    /// The pins' physical levels (outputs drive their latch).
    public var pinLevels: UInt16 { lock.withLock { pins } }

    public var interruptAsserted: Bool { lock.withLock { asserted } }

    public func drive(offset: UInt32, level: Bool?, at timestamp: Timestamp?) {
        let change = lock.withLock { () -> Bool? in
            guard offset < 16 else { return nil }
            external[Int(offset)] = level
            return settle()
        }
        if let change { interruptChanged?(change) }
    }

    // MARK: Registers

    private func pairValue(_ address: UInt8) -> UInt16 {
        UInt16(registers[Int(address)]) | UInt16(registers[Int(address) + 1]) << 8
    }

    private func setPair(_ address: UInt8, _ value: UInt16) {
        registers[Int(address)] = UInt8(truncatingIfNeeded: value)
        registers[Int(address) + 1] = UInt8(value >> 8)
    }

    /// Recomputes the pins and raises interrupts for enabled inputs that changed; returns
    /// the new INT state if it changed. Lock held.
    private func settle() -> Bool? {
        let directions = pairValue(MCP23017.Register.iodirA)
        let pullUps = pairValue(MCP23017.Register.gppuA)
        let latch = pairValue(MCP23017.Register.olatA)
        var new: UInt16 = 0
        for line in 0..<16 {
            let bit = UInt16(1) << line
            let level: Bool
            if directions & bit == 0 {
                level = latch & bit != 0
            } else if let driven = external[line] {
                level = driven
            } else if pullUps & bit != 0 {
                level = true
            } else {
                level = pins & bit != 0
            }
            if level { new |= bit }
        }
        let old = pins
        pins = new
        let enabled = pairValue(MCP23017.Register.gpintenA) & directions
        let compare = pairValue(MCP23017.Register.intconA)
        let reference = pairValue(MCP23017.Register.defvalA)
        var flags = pairValue(MCP23017.Register.intfA)
        for line in 0..<16 {
            let bit = UInt16(1) << line
            guard enabled & bit != 0 else { continue }
            let fires = compare & bit != 0 ? (new & bit) != (reference & bit) : (new & bit) != (old & bit)
            if fires && flags & bit == 0 {
                // INTCAP holds the port as it was when the (first) interrupt of the port occurred.
                let port = line < 8 ? 0 : 1
                let portFlags = port == 0 ? flags & 0x00FF : flags & 0xFF00
                if portFlags == 0 {
                    registers[Int(MCP23017.Register.intcapA) + port] = UInt8(truncatingIfNeeded: readValue() >> (8 * port))
                }
                flags |= bit
            }
        }
        setPair(MCP23017.Register.intfA, flags)
        return updateInterrupt()
    }

    /// GPIO as a read returns it: inputs' pins XOR IPOL, outputs' latch. Lock held.
    private func readValue() -> UInt16 {
        let directions = pairValue(MCP23017.Register.iodirA)
        let inputs = (pins ^ pairValue(MCP23017.Register.ipolA)) & directions
        return inputs | (pairValue(MCP23017.Register.olatA) & ~directions)
    }

    /// INT follows the flags (mirrored: either port's). Lock held.
    private func updateInterrupt() -> Bool? {
        let now = pairValue(MCP23017.Register.intfA) != 0
        guard now != asserted else { return nil }
        asserted = now
        return now
    }

    private var pendingInterruptChange: Bool?

    public func readRegister(_ register: UInt8) -> UInt8 {
        lock.withLock {
            guard Int(register) < registers.count else { return 0 }
            switch register {
            case MCP23017.Register.gpioA, MCP23017.Register.gpioA + 1:
                let port = Int(register - MCP23017.Register.gpioA)
                let value = UInt8(truncatingIfNeeded: readValue() >> (8 * port))
                clearFlags(port: port)
                return value
            case MCP23017.Register.intcapA, MCP23017.Register.intcapA + 1:
                let port = Int(register - MCP23017.Register.intcapA)
                clearFlags(port: port)
                return registers[Int(register)]
            case MCP23017.Register.iocon + 1:
                return registers[Int(MCP23017.Register.iocon)]
            default:
                return registers[Int(register)]
            }
        }
    }

    /// Clears a port's INTF bits (a read of its GPIO or INTCAP). Lock held.
    private func clearFlags(port: Int) {
        registers[Int(MCP23017.Register.intfA) + port] = 0
        if let change = updateInterrupt() { pendingInterruptChange = change }
    }

    public func writeRegister(_ register: UInt8, value: UInt8) {
        let change = lock.withLock { () -> Bool? in
            guard Int(register) < registers.count else { return nil }
            switch register {
            case MCP23017.Register.intfA, MCP23017.Register.intfA + 1,
                 MCP23017.Register.intcapA, MCP23017.Register.intcapA + 1:
                return nil // read-only
            case MCP23017.Register.gpioA, MCP23017.Register.gpioA + 1:
                registers[Int(MCP23017.Register.olatA + register - MCP23017.Register.gpioA)] = value
            case MCP23017.Register.iocon, MCP23017.Register.iocon + 1:
                registers[Int(MCP23017.Register.iocon)] = value
                registers[Int(MCP23017.Register.iocon) + 1] = value
            default:
                registers[Int(register)] = value
            }
            return settle()
        }
        if let change { interruptChanged?(change) }
    }

    /// A read that cleared the flags reports INT's release once the transaction's bytes
    /// are out (the bus holds its lock, and the part must not call back into it).
    public func read(count: Int, pointer: inout UInt8) -> [UInt8]? {
        var bytes: [UInt8] = []
        for _ in 0..<count {
            bytes.append(readRegister(pointer))
            pointer &+= 1
        }
        let change = lock.withLock { () -> Bool? in
            defer { pendingInterruptChange = nil }
            return pendingInterruptChange
        }
        if let change { interruptChanged?(change) }
        return bytes
    }
}
