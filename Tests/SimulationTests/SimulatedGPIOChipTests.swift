#if canImport(Glibc)
import Glibc
#endif
import SensorgateCore
import Simulation
import Testing

@Suite("SimulatedGPIOChip")
struct SimulatedGPIOChipTests {
    let clock = ManualClock()

    func chip() -> SimulatedGPIOChip { SimulatedGPIOChip(lineCount: 8, clock: clock) }

    func input(_ offset: UInt32, edge: EdgeDetection = .both, bias: Bias = .asIs, activeLow: Bool = false) -> LineConfig {
        LineConfig(offset: offset, direction: .input(edge: edge, bias: bias), activeLow: activeLow)
    }

    func drain(_ request: any GPIOLineRequest) throws -> (events: [EdgeEvent], lost: EdgeLoss) {
        var events: [EdgeEvent] = []
        let lost = try request.readEdgeEvents(into: &events)
        return (events, lost)
    }

    func isReadable(_ fd: Int32) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 1
    }

    @Test("bias settles an undriven line: pull-up reads 1, pull-down reads 0, with no edge for the request itself")
    func bias() throws {
        let chip = chip()
        let up = try chip.request([input(1, bias: .pullUp)], consumer: "t")
        let down = try chip.request([input(2, bias: .pullDown)], consumer: "t")
        #expect(try up.value(offset: 1) == true)
        #expect(try down.value(offset: 2) == false)
        #expect(try drain(up).events.isEmpty)
        #expect(!isReadable(up.fileDescriptor))
    }

    @Test("active-low inverts values and edge kinds; the descriptor is readable while events wait")
    func activeLow() throws {
        let chip = chip()
        let request = try chip.request([input(3, bias: .pullUp, activeLow: true)], consumer: "t")
        #expect(try request.value(offset: 3) == false, "pulled up, active-low: logically inactive")
        clock.advance(by: .milliseconds(5))
        chip.drive(offset: 3, level: false)  // the contact closes: physically low
        #expect(isReadable(request.fileDescriptor))
        let (events, lost) = try drain(request)
        #expect(lost == .none)
        #expect(events == [EdgeEvent(offset: 3, kind: .rising, timestamp: clock.now())])
        #expect(try request.value(offset: 3) == true)
        #expect(!isReadable(request.fileDescriptor), "reading drains the descriptor")
        chip.drive(offset: 3, level: nil)  // released: the pull-up brings it back
        #expect(try drain(request).events.map(\.kind) == [.falling])
    }

    @Test("single-edge requests report only that logical edge")
    func edgeSelection() throws {
        let chip = chip()
        let rising = try chip.request([input(4, edge: .rising, bias: .pullDown)], consumer: "t")
        let fallingLow = try chip.request([input(5, edge: .falling, bias: .pullDown, activeLow: true)], consumer: "t")
        for level in [true, false, true, false] {
            chip.drive(offset: 4, level: level)
            chip.drive(offset: 5, level: level)
        }
        #expect(try drain(rising).events.map(\.kind) == [.rising, .rising])
        // Active-low: physical high is logical low, so physical rises are logical falls.
        #expect(try drain(fallingLow).events.map(\.kind) == [.falling, .falling])
    }

    @Test("a full event queue drops new events and counts them, like the v1 kernel FIFO")
    func overflow() throws {
        let chip = SimulatedGPIOChip(lineCount: 4, queueCapacityPerLine: 16, clock: clock)
        let request = try chip.request([input(0, bias: .pullDown)], consumer: "t")
        for index in 0..<40 { chip.drive(offset: 0, level: index % 2 == 0) }
        let (events, lost) = try drain(request)
        #expect(events.count == 16)
        #expect(lost == EdgeLoss(dropped: 24, exact: true), "the simulator knows exactly what it dropped")
        #expect(try drain(request).lost == .none, "the loss is reported once")
        #expect(try request.value(offset: 0) == false, "the line's value stays true to the pin")
    }

    @Test("a line can be requested once; release frees it; outputs drive the pin")
    func ownership() throws {
        let chip = chip()
        let output = try chip.request([LineConfig(offset: 6, direction: .output(initial: true), activeLow: true)],
                                      consumer: "t")
        #expect(chip.physicalLevel(offset: 6) == false, "active-low output, logically on: physically low")
        #expect(throws: GPIOError.self) { try chip.request([input(6)], consumer: "t2") }
        try output.setValue(false, offset: 6)
        #expect(chip.physicalLevel(offset: 6) == true)
        #expect(throws: GPIOError.self) { try output.setValue(true, offset: 7) }
        let inputRequest = try chip.request([input(7)], consumer: "t")
        #expect(throws: GPIOError.self) { try inputRequest.setValue(true, offset: 7) }
        output.release()
        #expect(throws: GPIOError.self) { try output.value(offset: 6) }
        _ = try chip.request([input(6)], consumer: "t3")
        #expect(throws: GPIOError.self) { try chip.request([input(99)], consumer: "t") }
    }

    @Test("line names follow the Raspberry Pi convention")
    func names() {
        let chip = chip()
        #expect(chip.lineName(offset: 5) == "GPIO5")
        #expect(chip.offset(ofLineNamed: "GPIO7") == 7)
        #expect(chip.offset(ofLineNamed: "GPIO99") == nil)
    }

    @Test("line info reflects the request: consumer, direction, active-low and bias, and none once released")
    func lineInfo() throws {
        let chip = chip()
        #expect(chip.path == "sim:/dev/gpiochip0")
        let idle = try chip.lineInfo(offset: 2)
        #expect(idle == GPIOLineInfo(offset: 2, name: "GPIO2", consumer: nil, used: false, direction: .input,
                                     activeLow: false, bias: .asIs, drive: .pushPull))
        let request = try chip.request([input(2, bias: .pullUp, activeLow: true),
                                        LineConfig(offset: 3, direction: .output(initial: true))], consumer: "sensorgate:door")
        let info = try chip.lineInfo(offset: 2)
        #expect(info.used && info.consumer == "sensorgate:door" && info.activeLow && info.bias == .pullUp)
        #expect(info.direction == .input)
        #expect(try chip.lineInfo(offset: 3).direction == .output)
        request.release()
        #expect(try chip.lineInfo(offset: 2) == idle)
        #expect(throws: GPIOError.self) { try chip.lineInfo(offset: 8) }
    }

    @Test("kernel debounce is not simulated: the request is refused as unsupported and nothing is requested")
    func kernelDebounceRefused() throws {
        let chip = chip()
        do {
            _ = try chip.request([LineConfig(offset: 1, direction: .input(edge: .both, bias: .pullUp),
                                             kernelDebounce: .milliseconds(5))], consumer: "t")
            Issue.record("a kernel-debounced request succeeded on the simulator")
        } catch {
            #expect(error.code == .unsupported)
            #expect(error.message.contains("debounce"))
        }
        #expect(chip.configuration(offset: 1) == nil)
        _ = try chip.request([input(1)], consumer: "t")
    }
}

@Suite("BinarySignal")
struct BinarySignalTests {
    @Test("a square wave alternates at duty-cycle spacing, starting with a rise")
    func square() {
        var signal = BinarySignal(shape: .square(period: .seconds(4), duty: 0.25), seed: 1)
        #expect(signal.initialLevel == false)
        let transitions = (0..<4).map { _ in signal.next() }
        #expect(transitions.map(\.level) == [true, false, true, false])
        #expect(transitions.map(\.at) == [.seconds(3), .seconds(4), .seconds(7), .seconds(8)])
    }

    @Test("bounce adds chatter after each transition that ends at the new level and stays within the bounce time")
    func bounce() {
        var signal = BinarySignal(shape: .square(period: .seconds(1), duty: 0.5), bounce: .milliseconds(5), seed: 7)
        var transitions: [(at: Interval, level: Bool)] = []
        while transitions.last.map({ $0.at < .milliseconds(900) }) ?? true { transitions.append(signal.next()) }
        let burst = transitions.filter { $0.at < .milliseconds(600) }
        #expect(burst.count > 2, "chatter expected")
        #expect(burst.first?.at == .milliseconds(500))
        #expect(burst.last?.level == true, "settles at the new level")
        #expect(burst.allSatisfy { $0.at <= .milliseconds(506) })
        #expect(zip(burst, burst.dropFirst()).allSatisfy { $0.at < $1.at && $0.level != $1.level })
    }

    @Test("pulses are repeatable for a seed and average the given rate")
    func pulses() {
        func rises(seed: UInt64) -> [Interval] {
            var signal = BinarySignal(shape: .pulses(ratePerSecond: 10, width: .milliseconds(5)), seed: seed)
            var result: [Interval] = []
            while result.count < 2000 {
                let next = signal.next()
                if next.level { result.append(next.at) }
            }
            return result
        }
        let first = rises(seed: 3)
        #expect(first == rises(seed: 3))
        #expect(first != rises(seed: 4))
        let rate = Double(first.count) / first.last!.seconds
        #expect(abs(rate - 10) < 1, "about 10 pulses/s, got \(rate)")
    }
}
