import Foundation
import Profiles
import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@testable import Gateway

/// Channel selection on TCA9548A multiplexers, against the simulated bus and mux: the
/// written bytes, the values each part reads, and what happens after a failure.
@Suite("I2C multiplexer selection")
struct MuxSelectionTests {
    /// A bus with a mux at 0x70 and an SHT3x at 0x44 on channels 1 (11 °C) and 3 (33 °C).
    struct Rig {
        let bus = SimulatedI2CBus()
        let mux = SimulatedTCA9548A()
        let channel1 = I2CMuxChannel(address: 0x70, channel: 1)
        let channel3 = I2CMuxChannel(address: 0x70, channel: 3)

        init() {
            bus.attach(mux, at: 0x70)
            mux.attach(SimulatedSHT3x { $0 == "temperature" ? 11 : 40 }, channel: 1, at: 0x44)
            mux.attach(SimulatedSHT3x { $0 == "temperature" ? 33 : 60 }, channel: 3, at: 0x44)
        }
    }

    /// The log as `kind@address[written]`, mux writes included.
    static func summary(_ log: [SimulatedI2CBus.Transaction]) -> [String] {
        log.map { entry in
            let bytes = entry.written.map { String($0, radix: 16) }.joined(separator: " ")
            return "\(entry.kind.rawValue)@\(String(entry.address, radix: 16))[\(bytes)]" + (entry.failure == nil ? "" : " failed")
        }
    }

    @Test("two SHT3x at 0x44 on channels 1 and 3 read their own values, each transaction after its channel's selection")
    func twoChannelsOneAddress() throws {
        let rig = Rig()
        let buses = MuxSelection.buses(for: [rig.channel1, rig.channel3], on: rig.bus)
        let driver = SHT3x()
        var readings: [[Double]] = []
        for bus in [buses[0], buses[1], buses[0], buses[0], buses[1]] {
            readings.append(try driver.read(bus: bus, address: 0x44))
        }
        #expect(readings.map { $0[0].rounded() } == [11, 33, 11, 11, 33])
        #expect(readings.map { $0[1].rounded() } == [40, 60, 40, 40, 60])

        // Which channel each transaction to 0x44 went through: the last control byte written before it.
        var control: UInt8?
        var channels: [UInt8?] = []
        var muxWrites: [UInt8] = []
        for entry in rig.bus.log {
            if entry.address == 0x70 {
                #expect(entry.kind == .sendByte && entry.written.count == 1, "\(entry)")
                control = entry.written.last
                muxWrites += entry.written
            } else {
                channels.append(control)
            }
        }
        #expect(!channels.isEmpty)
        #expect(channels.allSatisfy { $0 == 0x02 || $0 == 0x08 }, "\(Self.summary(rig.bus.log))")
        // A selection per change of sensor, none between two reads of one sensor.
        #expect(muxWrites == [0x02, 0x08, 0x02, 0x08], "\(Self.summary(rig.bus.log))")
        // Each read's transactions went through its own channel, in the order read.
        let perRead = channels.count / readings.count
        let expected: [UInt8] = [0x02, 0x08, 0x02, 0x02, 0x08]
        #expect(channels == expected.flatMap { Array(repeating: Optional($0), count: perRead) })
        #expect(rig.mux.controlRegister == 0x08)
    }

    @Test("after a failed transaction the channel is selected again, even when it was selected before")
    func reselectionAfterFailure() throws {
        let rig = Rig()
        let bus = MuxSelection.buses(for: [rig.channel3], on: rig.bus)[0]
        let driver = SHT3x()
        _ = try driver.read(bus: bus, address: 0x44)
        #expect(rig.mux.controlWrites == 1)

        // A glitch fails the next transaction (the selection, known to hold, is not written)...
        rig.bus.failNext(1, with: .bus)
        rig.mux.reset()  // ...and the same glitch reset the mux.
        #expect(throws: I2CError.self) { try driver.read(bus: bus, address: 0x44) }
        #expect(rig.mux.controlWrites == 1)

        rig.bus.clearLog()
        let values = try driver.read(bus: bus, address: 0x44)
        #expect(values[0].rounded() == 33)
        let log = Self.summary(rig.bus.log)
        #expect(log.first == "sendByte@70[8]", "\(log)")
        #expect(rig.mux.controlWrites == 2)
    }

    @Test("a failed selection write is a failed transaction that names the mux, and the next one writes it again")
    func failedSelection() throws {
        let rig = Rig()
        let bus = MuxSelection.buses(for: [rig.channel1], on: rig.bus)[0]
        rig.bus.failNext(1, with: .nack)
        do {
            _ = try bus.readByte(address: 0x44)
            Issue.record("read through a failed selection")
        } catch {
            #expect(error.address == 0x70)
            #expect(error.description.contains("selecting channel 1 on the TCA9548A multiplexer failed"), "\(error)")
        }
        _ = try SHT3x().read(bus: bus, address: 0x44)
        #expect(Self.summary(rig.bus.log).filter { $0.hasPrefix("sendByte@70") } == ["sendByte@70[2] failed", "sendByte@70[2]"])
    }

    @Test("with two muxes on the bus the other one is deselected first, so one address behind both answers once")
    func secondMuxDeselected() throws {
        let bus = SimulatedI2CBus()
        let first = SimulatedTCA9548A(), second = SimulatedTCA9548A()
        bus.attach(first, at: 0x70)
        bus.attach(second, at: 0x71)
        first.attach(SimulatedSHT3x { $0 == "temperature" ? 15 : 50 }, channel: 2, at: 0x44)
        second.attach(SimulatedSHT3x { $0 == "temperature" ? 25 : 50 }, channel: 2, at: 0x44)
        let routes = [I2CMuxChannel(address: 0x70, channel: 2), I2CMuxChannel(address: 0x71, channel: 2)]
        let buses = MuxSelection.buses(for: routes, on: bus)
        let driver = SHT3x()
        let values = try [buses[0], buses[1], buses[0]].map { try driver.read(bus: $0, address: 0x44)[0].rounded() }
        #expect(values == [15, 25, 15])
        let writes = Self.summary(bus.log).filter { $0.hasPrefix("sendByte@7") }
        // At start neither mux is known: the other is cleared before the first selection.
        #expect(writes == ["sendByte@71[0]", "sendByte@70[4]", "sendByte@70[0]", "sendByte@71[4]",
                           "sendByte@71[0]", "sendByte@70[4]"], "\(writes)")
        #expect(bus.log.allSatisfy { $0.failure == nil }, "\(Self.summary(bus.log))")
    }

    @Test("a part directly on a bus with muxes is read without touching them")
    func directPartLeavesMuxesAlone() throws {
        let rig = Rig()
        rig.bus.attach(SimulatedMCP9808 { _ in 22.5 }, at: 0x18)
        let buses = MuxSelection.buses(for: [rig.channel1, nil], on: rig.bus)
        _ = try SHT3x().read(bus: buses[0], address: 0x44)
        rig.bus.clearLog()
        let values = try MCP9808().read(bus: buses[1], address: 0x18)
        #expect(values == [22.5])
        #expect(rig.bus.log.allSatisfy { $0.address == 0x18 }, "\(Self.summary(rig.bus.log))")
    }

    @Test("a bus without muxes is handed to the drivers as it is")
    func noMuxes() {
        let bus = SimulatedI2CBus()
        let buses = MuxSelection.buses(for: [nil, nil], on: bus)
        #expect(buses.allSatisfy { $0 === bus })
    }

    @Test("the bus worker polls two SHT3x at 0x44 behind channels 1 and 3 and delivers each its own values")
    func worker() throws {
        let rig = Rig()
        let outcomes = DeliveredValues()
        let clock = SystemClock()
        let worker = I2CBusWorker(
            bus: rig.bus,
            sensors: [
                .init(index: 0, id: "one", driver: SHT3x(), address: 0x44, mux: rig.channel1, interval: .milliseconds(200)),
                .init(index: 1, id: "three", driver: SHT3x(), address: 0x44, mux: rig.channel3, interval: .milliseconds(200)),
            ],
            clock: clock
        ) { index, outcome in outcomes.append(index, outcome) }
        worker.start()
        usleep(700_000)
        worker.stop()
        #expect(outcomes.reasons.isEmpty, "\(outcomes.reasons)")
        let one = outcomes.values(of: 0).map { $0[0].rounded() }
        let three = outcomes.values(of: 1).map { $0[0].rounded() }
        #expect(one.count >= 3 && three.count >= 3, "\(one) \(three)")
        #expect(Set(one) == [11] && Set(three) == [33], "\(one) \(three)")
    }
}

/// The values and failures the worker delivered, per sensor, from its thread.
final class DeliveredValues: @unchecked Sendable {
    private let lock = Mutex()
    private var values: [Int: [[Double]]] = [:]
    private var failed: [String] = []

    func append(_ index: Int, _ outcome: I2CBusWorker.Outcome) {
        lock.withLock {
            switch outcome {
            case .values(let read, _): values[index, default: []].append(read)
            case .failed(let reason): failed.append(reason)
            }
        }
    }

    func values(of index: Int) -> [[Double]] { lock.withLock { values[index] ?? [] } }
    var reasons: [String] { lock.withLock { failed } }
}
