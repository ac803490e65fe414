import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@Suite("Simulated outage")
struct SimulatedOutageTests {
    @Test("the part answers before the window, NACKs every transaction within it, and answers again after")
    func window() throws {
        let clock = ManualClock()
        let start = clock.now()
        let part = SimulatedLM75(values: { _ in 21.5 })
        let outage = SimulatedOutage(part, from: start + .seconds(3), until: start + .seconds(7), clock: clock)
        let bus = SimulatedI2CBus()
        bus.attach(outage, at: 0x48)
        let driver = LM75()
        try driver.setUp(bus: bus, address: 0x48)
        #expect(try driver.read(bus: bus, address: 0x48) == [21.5])

        clock.advance(by: .seconds(3))
        #expect(throws: I2CError.self) { try driver.read(bus: bus, address: 0x48) }
        #expect(throws: I2CError.self) { try driver.setUp(bus: bus, address: 0x48) }
        #expect(throws: I2CError.self) { try bus.quick(address: 0x48) }
        #expect(bus.log.suffix(3).allSatisfy { $0.failure == .nack })

        clock.set(start + .seconds(7))
        try driver.setUp(bus: bus, address: 0x48)
        #expect(try driver.read(bus: bus, address: 0x48) == [21.5])
    }
}
