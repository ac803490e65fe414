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

    func debounced(_ offset: UInt32, edge: EdgeDetection = .both) -> LineConfig {
        LineConfig(offset: offset, direction: .input(edge: edge, bias: .pullDown), kernelDebounce: .milliseconds(5))
    }

    func at(_ milliseconds: Int) -> Timestamp { Timestamp(nanoseconds: 0) + .milliseconds(milliseconds) }

    @Test("kernel debounce reports a level once it held for the period, stamped when the period ends")
    func kernelDebounce() throws {
        let chip = chip()
        clock.set(at(0))
        let request = try chip.request([debounced(1)], consumer: "t")
        chip.drive(offset: 1, level: true, at: at(0))
        chip.drive(offset: 1, level: false, at: at(1))   // contact bounce
        chip.drive(offset: 1, level: true, at: at(2))
        clock.set(at(6))
        #expect(try drain(request).events.isEmpty, "the period restarted at 2 ms and runs to 7 ms")
        clock.set(at(7))
        #expect(try drain(request).events == [EdgeEvent(offset: 1, kind: .rising, timestamp: at(7))])
        #expect(try drain(request).events.isEmpty, "reported once")
    }

    @Test("with kernel debounce, a bounce back to the reported level within the period reports nothing")
    func kernelDebounceGlitch() throws {
        let chip = chip()
        clock.set(at(0))
        let request = try chip.request([debounced(2)], consumer: "t")
        chip.drive(offset: 2, level: true, at: at(0))
        chip.drive(offset: 2, level: false, at: at(3))
        clock.set(at(20))
        #expect(try drain(request).events.isEmpty)
    }

    @Test("with kernel debounce, a change after a period ran out unread first reports the level that held")
    func kernelDebounceThenChange() throws {
        let chip = chip()
        clock.set(at(0))
        let request = try chip.request([debounced(3)], consumer: "t")
        chip.drive(offset: 3, level: true, at: at(0))
        chip.drive(offset: 3, level: false, at: at(10))
        clock.set(at(15))
        #expect(try drain(request).events == [EdgeEvent(offset: 3, kind: .rising, timestamp: at(5)),
                                              EdgeEvent(offset: 3, kind: .falling, timestamp: at(15))])
    }

    @Test("with kernel debounce, the descriptor becomes readable by itself when the period ends")
    func kernelDebounceWakes() throws {
        let chip = chip()
        clock.set(at(0))
        let request = try chip.request([debounced(4)], consumer: "t")
        chip.drive(offset: 4, level: true, at: at(0))
        #expect(!isReadable(request.fileDescriptor))
        clock.set(at(5))
        var descriptor = pollfd(fd: request.fileDescriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&descriptor, 1, 2_000) == 1, "the debounce timer woke the reader")
        #expect(try drain(request).events == [EdgeEvent(offset: 4, kind: .rising, timestamp: at(5))])
    }

    @Test("kernel debounce is for inputs: an output asking for it is refused and nothing is requested")
    func kernelDebounceOutputRefused() throws {
        let chip = chip()
        do {
            _ = try chip.request([LineConfig(offset: 1, direction: .output(initial: false), kernelDebounce: .milliseconds(5))],
                                 consumer: "t")
            Issue.record("a kernel-debounced output was requested")
        } catch {
            #expect(error.code == .unsupported)
        }
        #expect(chip.configuration(offset: 1) == nil)
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
