import Foundation
import Profiles
import SensorDrivers
import SensorgateCore
import Simulation
import Testing

@testable import Gateway

/// The expander served by a bus worker, against a simulated MCP23017 and PCF8574: which read an edge
/// comes from, its timestamp, and the writes of the output latch.
@Suite("Expander port")
struct ExpanderPortTests {
    static func port(_ driver: ExpanderSpec.Driver, poll: Interval, interrupt: Bool, bus: SimulatedI2CBus,
                     configuration: ExpanderPortConfiguration) throws -> ExpanderPort {
        let spec = ExpanderSpec(id: "ioexp", driver: driver, bus: 1, address: 0x20,
                                interrupt: interrupt ? GPIOLineSpec(line: .offset(17)) : nil, poll: poll)
        let part = try #require(GatewayRuntime.part(driver))
        let port = ExpanderPort(spec: spec, part: part, bus: bus, configuration: configuration)
        try port.open()
        return port
    }

    /// The port served by a bus worker of its own, as the gateway serves it, started.
    static func serve(_ port: ExpanderPort) -> I2CBusWorker {
        let worker = I2CBusWorker(number: 1, clock: SystemClock())
        worker.attend(port)
        worker.start()
        return worker
    }

    @Test("woken by INT, the port is read at once and the edge carries the INT's timestamp")
    func interruptStamp() throws {
        let bus = SimulatedI2CBus()
        let part = SimulatedMCP23017()
        bus.attach(part, at: 0x20)
        // A poll of an hour: only the interrupt can explain a prompt read.
        let port = try Self.port(.mcp23017, poll: .seconds(3600), interrupt: true, bus: bus,
                                 configuration: ExpanderPortConfiguration(inputs: 0xFFFF, pullUps: 0x0008, interrupt: true))
        let request = try port.request([LineConfig(offset: 3, direction: .input(edge: .both, bias: .pullUp), activeLow: true)],
                                       consumer: "test")
        let ready = EventCounter()
        (request as? ExpanderLineRequest)?.onEvents = { ready.add() }
        part.interruptChanged = { asserted in if asserted { port.interrupted(at: Timestamp(nanoseconds: 42)) } }
        let worker = Self.serve(port)
        defer { worker.stop() }
        #expect(try request.value(offset: 3) == false) // pulled up, active low: released
        part.drive(offset: 3, level: false)
        #expect(ready.wait(for: 1, seconds: 2))
        var events: [EdgeEvent] = []
        _ = try request.readEdgeEvents(into: &events)
        #expect(events == [EdgeEvent(offset: 3, kind: .rising, timestamp: Timestamp(nanoseconds: 42))])
        #expect(try request.value(offset: 3) == true)
        #expect(!part.interruptAsserted, "the read cleared INT")
    }

    @Test("without INT the poll finds the change and stamps it with the read's time; an unrequested line is no edge")
    func pollFallback() throws {
        let bus = SimulatedI2CBus()
        let part = SimulatedPCF857x(model: .pcf8574)
        bus.attach(part, at: 0x20)
        let port = try Self.port(.pcf8574, poll: .milliseconds(20), interrupt: false, bus: bus,
                                 configuration: ExpanderPortConfiguration(inputs: 0xFF))
        let request = try port.request([LineConfig(offset: 2, direction: .input(edge: .falling, bias: .asIs))],
                                       consumer: "test")
        let ready = EventCounter()
        (request as? ExpanderLineRequest)?.onEvents = { ready.add() }
        let worker = Self.serve(port)
        defer { worker.stop() }
        let before = SystemClock().now()
        part.drive(offset: 5, level: false)
        part.drive(offset: 2, level: false)
        #expect(ready.wait(for: 1, seconds: 2))
        var events: [EdgeEvent] = []
        _ = try request.readEdgeEvents(into: &events)
        #expect(events.map(\.kind) == [.falling] && events.map(\.offset) == [2])
        #expect(events.first.map { $0.timestamp >= before } == true)
        // A rising edge is not asked for.
        part.drive(offset: 2, level: true)
        usleep(100_000)
        events.removeAll()
        _ = try request.readEdgeEvents(into: &events)
        #expect(events.isEmpty)
    }

    @Test("an output change is written by the worker; a pending one is written before it stops")
    func outputs() throws {
        let bus = SimulatedI2CBus()
        let part = SimulatedMCP23017()
        bus.attach(part, at: 0x20)
        let port = try Self.port(.mcp23017, poll: .seconds(3600), interrupt: false, bus: bus,
                                 configuration: ExpanderPortConfiguration(inputs: 0xFEFF, latch: 0))
        let request = try port.request([LineConfig(offset: 8, direction: .output(initial: false))], consumer: "test")
        #expect(throws: GPIOError.self) {
            try port.request([LineConfig(offset: 9, direction: .output(initial: false))], consumer: "test")
        }
        let worker = Self.serve(port)
        try request.setValue(true, offset: 8)
        let deadline = Date().addingTimeInterval(2)
        while part.pair(MCP23017.Register.olatA) != 0x0100 && Date() < deadline { usleep(5_000) }
        #expect(part.pair(MCP23017.Register.olatA) == 0x0100)
        try request.setValue(false, offset: 8)
        worker.stop()
        #expect(part.pair(MCP23017.Register.olatA) == 0x0000, "the last change was written before the worker ended")
    }

    @Test("a part that stops answering is reported once and set up again when it answers")
    func recovery() throws {
        let bus = SimulatedI2CBus()
        let part = SimulatedMCP23017()
        bus.attach(part, at: 0x20)
        let port = try Self.port(.mcp23017, poll: .milliseconds(10), interrupt: false, bus: bus,
                                 configuration: ExpanderPortConfiguration(inputs: 0xFFFE, latch: 0x0001))
        let troubles = TroubleLog()
        port.onTrouble = { message, recovered in troubles.append(message, recovered) }
        bus.detach(address: 0x20)
        let worker = Self.serve(port)
        defer { worker.stop() }
        usleep(100_000)
        // As after a power cycle: every line an input again.
        let fresh = SimulatedMCP23017()
        bus.attach(fresh, at: 0x20)
        let deadline = Date().addingTimeInterval(2)
        while troubles.entries.count < 2 && Date() < deadline { usleep(5_000) }
        #expect(troubles.entries.map(\.recovered) == [false, true], "\(troubles.entries)")
        #expect(fresh.pair(MCP23017.Register.iodirA) == 0xFFFE && fresh.pair(MCP23017.Register.olatA) == 0x0001)
    }
}

final class EventCounter: @unchecked Sendable {
    private let lock = Mutex()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    func wait(for expected: Int, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if lock.withLock({ count >= expected }) { return true }
            usleep(2_000)
        }
        return false
    }
}

final class TroubleLog: @unchecked Sendable {
    private let lock = Mutex()
    private var recorded: [(message: String, recovered: Bool)] = []
    var entries: [(message: String, recovered: Bool)] { lock.withLock { recorded } }
    func append(_ message: String, _ recovered: Bool) { lock.withLock { recorded.append((message, recovered)) } }
}
