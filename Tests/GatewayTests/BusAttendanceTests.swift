import Foundation
import Profiles
import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@testable import Gateway

/// One worker per bus: an expander and a sensor on the same bus are served by one thread,
/// and the expander waits at most for a transaction, not for the sensor's conversion.
/// Real worker threads and the system clock, with bounds generous for a loaded machine.
@Suite("one worker per bus, expanders first")
struct BusAttendanceTests {
    /// A part with one register, read after its conversion.
    final class ConvertingPart: SimulatedI2CDevice, @unchecked Sendable {
        func readRegister(_ register: UInt8) -> UInt8 { 0x2A }
    }

    /// Starts a conversion, waits `conversion` for it as the drivers do (`sleepThread`),
    /// then reads: it records the thread and when each read started and ended.
    final class ConvertingDriver: SensorDriver, @unchecked Sendable {
        let conversion: Interval
        private let lock = Mutex()
        private var reads: [(thread: pthread_t, started: Timestamp, ended: Timestamp)] = []
        private var converting: Timestamp?
        init(conversion: Interval) { self.conversion = conversion }

        func setUp(bus: any I2CBus, address: UInt8) throws(I2CError) {}
        func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double] {
            let started = SystemClock().now()
            try bus.writeByte(address: address, value: 0x00)
            lock.withLock { converting = started }
            sleepThread(conversion)
            let value = try bus.readByte(address: address)
            lock.withLock {
                converting = nil
                reads.append((pthread_self(), started, SystemClock().now()))
            }
            return [Double(value)]
        }

        var conversionStarted: Timestamp? { lock.withLock { converting } }
        var completed: [(thread: pthread_t, started: Timestamp, ended: Timestamp)] { lock.withLock { reads } }
    }

    final class EdgeLog: @unchecked Sendable {
        private let lock = Mutex()
        private var seen: [(thread: pthread_t, at: Timestamp)] = []
        func append() { lock.withLock { seen.append((pthread_self(), SystemClock().now())) } }
        var entries: [(thread: pthread_t, at: Timestamp)] { lock.withLock { seen } }
    }

    static func until(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(1_000)
        }
        return condition()
    }

    @Test("an expander's INT during a neighbour's 400 ms conversion is read at once, on the bus's one thread")
    func interruptDuringConversion() throws {
        let clock = SystemClock()
        let bus = SimulatedI2CBus(number: 1)
        let expander = SimulatedMCP23017()
        bus.attach(expander, at: 0x20)
        bus.attach(ConvertingPart(), at: 0x48)
        let port = try ExpanderPortTests.port(.mcp23017, poll: .seconds(3600), interrupt: true, bus: bus,
                                              configuration: ExpanderPortConfiguration(inputs: 0xFFFF, interrupt: true))
        let request = try port.request([LineConfig(offset: 3, direction: .input(edge: .both, bias: .asIs))], consumer: "test")
        let edges = EdgeLog()
        (request as? ExpanderLineRequest)?.onEvents = { edges.append() }
        expander.interruptChanged = { asserted in if asserted { port.interrupted(at: clock.now()) } }

        let driver = ConvertingDriver(conversion: .milliseconds(400))
        let worker = I2CBusWorker(
            bus: bus, sensors: [.init(index: 0, id: "slow", driver: driver, address: 0x48, interval: .seconds(10))],
            clock: clock
        ) { _, _ in }
        worker.attend(port)
        worker.start()
        defer { worker.stop() }

        #expect(Self.until(seconds: 5) { driver.conversionStarted != nil }, "the first conversion started")
        usleep(50_000)
        let driven = clock.now()
        expander.drive(offset: 3, level: true)
        #expect(Self.until(seconds: 5) { !edges.entries.isEmpty }, "the edge arrived")
        #expect(Self.until(seconds: 5) { !driver.completed.isEmpty }, "the conversion completed")

        let edge = try #require(edges.entries.first)
        let read = try #require(driver.completed.first)
        let waited = (edge.at - driven).nanoseconds / 1_000_000
        // Waiting for the conversion would take the rest of its 400 ms (about 350 ms).
        #expect(waited < 150, "the edge waited \(waited) ms")
        #expect(edge.at < read.ended, "the edge came during the conversion")
        #expect(pthread_equal(edge.thread, read.thread) != 0, "the expander and the sensor share the bus's one thread")
        let conversion = (read.ended - read.started).nanoseconds / 1_000_000
        #expect(conversion >= 400, "the driver's wait was kept whole: \(conversion) ms")
    }

    @Test("a pending output write is served during a conversion, and the last one is written when the worker stops")
    func outputDuringConversion() throws {
        let clock = SystemClock()
        let bus = SimulatedI2CBus(number: 1)
        let expander = SimulatedMCP23017()
        bus.attach(expander, at: 0x20)
        bus.attach(ConvertingPart(), at: 0x48)
        let port = try ExpanderPortTests.port(.mcp23017, poll: .seconds(3600), interrupt: false, bus: bus,
                                              configuration: ExpanderPortConfiguration(inputs: 0xFEFF, latch: 0))
        let request = try port.request([LineConfig(offset: 8, direction: .output(initial: false))], consumer: "test")
        let driver = ConvertingDriver(conversion: .milliseconds(400))
        let worker = I2CBusWorker(
            bus: bus, sensors: [.init(index: 0, id: "slow", driver: driver, address: 0x48, interval: .milliseconds(400))],
            clock: clock
        ) { _, _ in }
        worker.attend(port)
        worker.start()

        #expect(Self.until(seconds: 5) { driver.conversionStarted != nil })
        let set = clock.now()
        try request.setValue(true, offset: 8)
        #expect(Self.until(seconds: 5) { expander.pair(MCP23017.Register.olatA) == 0x0100 })
        let written = (clock.now() - set).nanoseconds / 1_000_000
        #expect(written < 150, "written \(written) ms after the change, while the neighbour converts")
        try request.setValue(false, offset: 8)
        worker.stop()
        #expect(expander.pair(MCP23017.Register.olatA) == 0x0000, "the last change was written before the worker ended")
    }
}
