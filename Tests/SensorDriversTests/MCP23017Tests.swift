import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@Suite("MCP23017 expander")
struct MCP23017Tests {
    let bus = SimulatedI2CBus(number: 1)
    let part = SimulatedMCP23017()
    let driver = MCP23017()
    let address: UInt8 = 0x20

    init() { bus.attach(part, at: address) }

    /// Lines 0 and 15 outputs (0 high), the rest inputs, pull-ups on 3 and 9.
    let configuration = ExpanderPortConfiguration(inputs: 0x7FFE, pullUps: 0x0208, latch: 0x0001, interrupt: true)

    @Test("setUp writes IOCON, OLAT before IODIR, IPOL, GPPU, DEFVAL, INTCON, GPINTEN, then checks IODIR and reads GPIO")
    func setUpBytes() throws {
        _ = try driver.setUp(bus: bus, address: address, configuration: configuration)
        #expect(summary(bus.log) == [
            "writeByteData 0x0a 0x44",        // IOCON: MIRROR | ODR, BANK 0
            "writeBlock 0x14 0x01 0x00",      // OLATA, OLATB: the outputs' first levels
            "writeBlock 0x02 0x00 0x00",      // IPOL: active-low is done in software
            "writeBlock 0x0c 0x08 0x02",      // GPPU: lines 3 and 9
            "writeBlock 0x06 0x00 0x00",      // DEFVAL
            "writeBlock 0x08 0x00 0x00",      // INTCON: compare with the previous value
            "writeBlock 0x04 0xfe 0x7f",      // GPINTEN: every input
            "writeBlock 0x00 0xfe 0x7f",      // IODIR last
            "readBlock 0x00 -> 2",            // IODIR read back
            "readBlock 0x12 -> 2",            // GPIOA, GPIOB
        ])
        #expect(part.pair(MCP23017.Register.iodirA) == 0x7FFE)
        #expect(part.pair(MCP23017.Register.gpintenA) == 0x7FFE)
        #expect(part.register(MCP23017.Register.iocon) == 0x44)
    }

    @Test("without an interrupt line GPINTEN stays 0")
    func noInterrupt() throws {
        var plain = configuration
        plain.interrupt = false
        _ = try driver.setUp(bus: bus, address: address, configuration: plain)
        #expect(part.pair(MCP23017.Register.gpintenA) == 0)
    }

    @Test("the port reads GPIOA as lines 0-7 and GPIOB as 8-15; outputs read their latch; pull-ups hold undriven inputs high")
    func portRead() throws {
        let initial = try driver.setUp(bus: bus, address: address, configuration: configuration)
        // Pull-ups on 3 and 9, output 0 high, every other input undriven (reads 0 at power-on).
        #expect(initial == 0x0209)
        part.drive(offset: 3, level: false)
        part.drive(offset: 14, level: true)
        #expect(try driver.readPort(bus: bus, address: address) == 0x4201)
        #expect(MCP23017.decodePair(0x34, 0x12) == 0x1234)
    }

    @Test("an output change is one 2-byte write of OLAT")
    func outputs() throws {
        _ = try driver.setUp(bus: bus, address: address, configuration: configuration)
        bus.clearLog()
        try driver.writeOutputs(bus: bus, address: address, latch: 0x8000, inputs: configuration.inputs)
        #expect(summary(bus.log) == ["writeBlock 0x14 0x00 0x80"])
        #expect(part.pinLevels & 0x8001 == 0x8000)
    }

    @Test("an input change raises INT; reading GPIO clears it")
    func interrupt() throws {
        let changes = InterruptLog()
        part.interruptChanged = { changes.append($0) }
        _ = try driver.setUp(bus: bus, address: address, configuration: configuration)
        #expect(!part.interruptAsserted)
        part.drive(offset: 5, level: true)
        #expect(part.interruptAsserted)
        #expect(part.pair(MCP23017.Register.intfA) == 0x0020)
        part.drive(offset: 6, level: true) // INT already low: no second change
        _ = try driver.readPort(bus: bus, address: address)
        #expect(!part.interruptAsserted)
        #expect(changes.values == [true, false])
        // An output's latch change raises nothing.
        try driver.writeOutputs(bus: bus, address: address, latch: 0, inputs: configuration.inputs)
        #expect(!part.interruptAsserted)
    }

    @Test("a part whose IODIR does not read back is not an MCP23017 (or is in BANK 1)")
    func wrongPart() {
        bus.attach(OverridingDevice(part, overrides: [0x00: 0xFF, 0x01: 0xFF]), at: address)
        #expect(failureCode { try driver.setUp(bus: bus, address: address, configuration: configuration) } == .invalidReply)
    }

    @Test("a missing part fails with a NACK")
    func missing() {
        bus.detach(address: address)
        #expect(failureCode { try driver.setUp(bus: bus, address: address, configuration: configuration) } == .nack)
        #expect(failureCode { try driver.readPort(bus: bus, address: address) } == .nack)
    }
}

/// INT changes as a simulated part reports them, in order.
final class InterruptLog: @unchecked Sendable {
    private let lock = Mutex()
    private var recorded: [Bool] = []
    var values: [Bool] { lock.withLock { recorded } }
    func append(_ value: Bool) { lock.withLock { recorded.append(value) } }
}
