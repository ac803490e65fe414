import Profiles
import Testing

/// `i2c.mux`: sensors behind TCA9548A channels. The refused cases are the fixtures
/// `invalid/i2c-mux.yaml` (the key itself) and `invalid/i2c-address-clashes.yaml` (two
/// parts answering one transaction).
@Suite("I2C multiplexer channels in profiles")
struct I2CMuxProfileTests {
    @Test("mux address and channel are read in every spelling; a sensor without mux has none")
    func decoded() throws {
        let profile = try ValidFixtureTests.load("i2c-mux.yaml")
        let byID = Dictionary(uniqueKeysWithValues: profile.sensors.map { ($0.id, $0) })
        #expect(byID["north"]?.mux == I2CMuxChannel(address: 0x70, channel: 1))
        #expect(byID["north"]?.address == 0x44)
        #expect(byID["south"]?.mux == I2CMuxChannel(address: 0x70, channel: 3))
        #expect(byID["south"]?.address == 0x44, "the driver's default address behind a channel")
        #expect(byID["cellar"]?.mux == I2CMuxChannel(address: 0x71, channel: 1))
        #expect(byID["board"]?.mux == nil)
        #expect(byID["board"]?.address == 0x18)
    }

    @Test("the control byte enables the channel alone")
    func controlByte() {
        #expect((0...7).map { I2CMuxChannel(address: 0x70, channel: $0).controlByte } == [1, 2, 4, 8, 16, 32, 64, 128])
    }

    @Test("one address twice directly on a bus is refused at the second; on another bus it is fine")
    func duplicateAddresses() throws {
        let text = """
        gateway: { id: twice }
        sensors:
          - { id: a, driver: sht3x, i2c: { bus: 1 } }
          - { id: b, driver: sht3x, i2c: { bus: 2 } }
          - { id: c, driver: sht3x, i2c: { bus: 1, address: 0x44 } }
        """
        let diagnostics = try #require(InvalidFixtureTests.diagnostics(text: text, path: "twice.yaml"))
        #expect(diagnostics.map(\.description) == [
            "twice.yaml:5:53: error: sensors[2].i2c.address: 0x44 on bus 1 is already used by sensors[0] 'a' at 3:34",
        ])
    }
}
