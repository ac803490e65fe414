import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@Suite("PCA9685 PWM controller")
struct PCA9685Tests {
    let bus = SimulatedI2CBus(number: 1)
    let part = SimulatedPCA9685()
    let address: UInt8 = 0x40

    init() { bus.attach(part, at: address) }

    @Test("PRE_SCALE = round(25 MHz / (4096 × f)) - 1",
          arguments: [(50.0, UInt8(121)), (60, 101), (200, 30), (1000, 5), (1526, 3), (24, 253)])
    func preScale(frequency: Double, expected: UInt8) {
        // 50 Hz: 25e6 / 204800 = 122.07 -> 122 - 1 = 121; 1526 Hz: 4.0 - 1 = 3; 24 Hz: 254.3 -> 254 - 1 = 253.
        #expect(PCA9685.preScale(frequency: frequency) == expected)
    }

    @Test("setUp: MODE1 SLEEP|AI, PRE_SCALE, MODE2, MODE1 AI, 500 µs, RESTART|AI, PRE_SCALE read back")
    func setUpBytes() throws {
        let waits = SleepLog()
        let driver = PCA9685(frequency: 50, sleep: waits.sleeper)
        try driver.setUp(bus: bus, address: address)
        #expect(summary(bus.log) == [
            "writeByteData 0x00 0x30", "writeByteData 0xfe 0x79", "writeByteData 0x01 0x04",
            "writeByteData 0x00 0x20", "writeByteData 0x00 0xa0", "readByteData 0xfe -> 1",
        ])
        #expect(waits.values == [.microseconds(500)])
        #expect(part.register(PCA9685.Register.preScale) == 121)
    }

    @Test("PRE_SCALE written while awake is ignored by the part: setUp says it is not a PCA9685")
    func preScaleNeedsSleep() {
        let driver = PCA9685(frequency: 1000, sleep: { _ in })
        bus.attach(OverridingDevice(part, overrides: [0xFE: 0x1E]), at: address)
        #expect(failureCode { try driver.setUp(bus: bus, address: address) } == .invalidReply)
    }

    @Test("a channel is one 4-byte write of LEDn_ON_L...OFF_H: full off at 0, full on at 4096, else off at the count",
          arguments: [(0, [UInt8(0), 0, 0, 0x10]), (4096, [0, 0x10, 0, 0]), (1024, [0, 0, 0x00, 0x04]),
                      (307, [0, 0, 0x33, 0x01]), (4095, [0, 0, 0xFF, 0x0F])])
    func channelBytes(count: Int, bytes: [UInt8]) throws {
        let driver = PCA9685(frequency: 50, sleep: { _ in })
        try driver.setUp(bus: bus, address: address)
        bus.clearLog()
        try driver.write(bus: bus, address: address, channel: 3, count: count)
        let written = bytes.map { "0x" + String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
        #expect(summary(bus.log) == ["writeBlock 0x12 " + written])
        #expect(part.channelRegisters(3) == bytes)
        #expect(part.duty(channel: 3) == Double(min(count, 4096)) / 4096)
    }

    @Test("duty cycles and pulse widths become counts of the real period")
    func counts() {
        #expect(PCA9685.count(duty: 7.5) == 307)   // 0.075 × 4096 = 307.2
        #expect(PCA9685.count(duty: 100) == 4096)
        let driver = PCA9685(frequency: 50, sleep: { _ in })
        // 122 × 4096 / 25 MHz = 19.98848 ms; 1.5 ms of it is 307.38 steps.
        #expect(driver.period == .nanoseconds(19_988_480))
        #expect(PCA9685.count(pulse: .microseconds(1500), period: driver.period) == 307)
    }
}

/// The waits a driver asked for.
final class SleepLog: @unchecked Sendable {
    private let lock = Mutex()
    private var recorded: [Interval] = []
    var values: [Interval] { lock.withLock { recorded } }
    var sleeper: Sleeper { { [self] interval in lock.withLock { recorded.append(interval) } } }
}
