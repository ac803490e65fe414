import Foundation
import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@testable import Gateway

/// A slow sensor costs only its own transactions: on another bus nothing, on its own bus
/// at most the transaction under way when a neighbour falls due. Measured on the real
/// worker threads and the system clock, with bounds generous enough for a loaded machine.
@Suite("a slow sensor and the other sensors' schedules")
struct SlowSensorIsolationTests {
    /// A part whose every transaction takes `delay`, as one stretching the clock or
    /// behind a slow bus segment: the simulated bus holds its lock meanwhile, so the bus
    /// is busy for that long, as a real one is.
    final class SlowPart: SimulatedI2CDevice, @unchecked Sendable {
        let delay: Interval
        init(delay: Interval) { self.delay = delay }
        func beginTransaction() { usleep(UInt32(delay.nanoseconds / 1_000)) }
        func readRegister(_ register: UInt8) -> UInt8 { 0x2A }
    }

    /// One receive-byte transaction per read and no setup, so a poll is one transaction.
    final class OneTransactionDriver: SensorDriver, @unchecked Sendable {
        func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {}
        func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
            [Double(try bus.readByte(address: address))]
        }
    }

    /// The longest gap between consecutive stamps, in ms, ignoring the first `skip`
    /// (the parts' setup).
    static func longestGap(_ stamps: [Timestamp], skip: Int = 1) -> Int64 {
        let kept = Array(stamps.dropFirst(skip))
        return zip(kept.dropFirst(), kept).map { ($0 - $1).nanoseconds / 1_000_000 }.max() ?? .max
    }

    @Test("a sensor whose transactions take 300 ms delays nothing on another bus, and its bus neighbour by at most 300 ms")
    func slowSensor() throws {
        let clock = SystemClock()
        let slowBus = SimulatedI2CBus(number: 1)
        slowBus.attach(SlowPart(delay: .milliseconds(300)), at: 0x10)
        slowBus.attach(SimulatedLM75(values: { _ in 21 }), at: 0x48)
        let otherBus = SimulatedI2CBus(number: 2)
        otherBus.attach(SimulatedLM75(values: { _ in 22 }), at: 0x48)

        let outcomes = OutcomeLog()
        let deliver: @Sendable (Int, I2CBusWorker.Outcome) -> Void = { outcomes.append($0, $1, at: clock.now()) }
        let interval = Interval.milliseconds(100)
        let busOne = I2CBusWorker(
            bus: slowBus,
            sensors: [
                .init(index: 0, id: "slow", driver: OneTransactionDriver(), address: 0x10, interval: .milliseconds(500)),
                .init(index: 1, id: "neighbour", driver: LM75(), address: 0x48, interval: interval),
            ],
            clock: clock, deliver: deliver)
        let busTwo = I2CBusWorker(
            bus: otherBus,
            sensors: [.init(index: 2, id: "elsewhere", driver: LM75(), address: 0x48, interval: interval)],
            clock: clock, deliver: deliver)
        busOne.start()
        busTwo.start()
        usleep(3_000_000)
        busOne.stop()
        busTwo.stop()

        #expect(outcomes.reasons.isEmpty, "\(outcomes.reasons)")
        let slow = outcomes.stamps(of: 0, values: true)
        let neighbour = outcomes.stamps(of: 1, values: true)
        let elsewhere = outcomes.stamps(of: 2, values: true)
        // The slow part really is slow and really is polled: about 6 polls of 300 ms in 3 s.
        #expect(slow.count >= 4, "\(slow.count) polls of the slow part")

        // Another bus: every reading on its 100 ms grid, as if the slow part did not exist.
        #expect(elsewhere.count >= 24, "\(elsewhere.count) readings on bus 2 in 3 s at 100 ms")
        let gapElsewhere = Self.longestGap(elsewhere)
        #expect(gapElsewhere < 160, "longest gap on bus 2: \(gapElsewhere) ms")

        // Its own bus: a neighbour due during a slow transaction waits for it, never longer.
        let gapNeighbour = Self.longestGap(neighbour)
        #expect(gapNeighbour >= 200, "the neighbour was never held up (\(gapNeighbour) ms): the test measures nothing")
        #expect(gapNeighbour < 100 + 300 + 100, "longest gap of the neighbour: \(gapNeighbour) ms")
        #expect(neighbour.count >= 8, "\(neighbour.count) readings of the neighbour")
    }
}
