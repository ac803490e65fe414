import Profiles
import SensorDrivers
import SensorgateCore

/// An I2C GPIO expander as a gpiochip: the gateway's inputs and outputs request its lines
/// and read edge events from them exactly as from a kernel chip, so debounce, counters,
/// edge metrics, payloads and output commands are the same code.
///
/// Its bus's worker does all its bus traffic (``AttendedBusPart``): it reads the port every
/// `poll`, and at once when the part's interrupt line fell (``interrupted(at:)``), and
/// writes the output latch when an output changed. A change of an input between two reads becomes one edge,
/// stamped with the INT edge's kernel timestamp when an interrupt woke the read, else with
/// the time the read finished; a pulse shorter than the read interval is not seen.
///
/// The part is set up on the calling thread by ``open()``, while the gateway starts (a
/// part that does not answer stops the start, as a missing gpiochip does). After a failed
/// transaction it is set up again with the outputs' current levels, since a failure is
/// often a part that lost power and came back with every line an input.
final class ExpanderPort: GPIOChip, AttendedBusPart, @unchecked Sendable {
    let spec: ExpanderSpec
    let part: any GPIOExpanderPart
    let bus: any I2CBus
    /// The kernel line of the part's INT output, while requested.
    var interruptRequest: (any GPIOLineRequest)?
    /// A failed or recovered transaction: a message for the log and `<prefix>/error`.
    var onTrouble: (@Sendable (_ message: String, _ recovered: Bool) -> Void)?
    var requestTurn: (@Sendable () -> Void)?

    private let clock: any MonotonicClock
    private let lock = Mutex()
    private var configuration: ExpanderPortConfiguration
    /// The pins as last read (physical levels, bit n = line n).
    private var levels: UInt16 = 0
    private var latchPending = false
    private var interruptStamp: Timestamp?
    private var needsSetUp = false
    private var failing = false
    private var requests: [ExpanderLineRequest] = []
    /// The worker's: when the port is read next without an interrupt.
    private var nextPoll: Timestamp?

    init(spec: ExpanderSpec, part: any GPIOExpanderPart, bus: any I2CBus, configuration: ExpanderPortConfiguration,
         clock: any MonotonicClock = SystemClock()) {
        self.spec = spec
        self.part = part
        self.bus = bus
        self.configuration = configuration
        self.clock = clock
    }

    /// Sets the part up and reads its port once (blocking: the gateway is starting).
    func open() throws(I2CError) {
        let port = try part.setUp(bus: bus, address: spec.address, configuration: configuration)
        lock.withLock { levels = port }
    }

    /// The part's INT fell at `stamp` (a kernel timestamp): read the port now.
    func interrupted(at stamp: Timestamp) {
        lock.withLock {
            if interruptStamp == nil { interruptStamp = stamp }
        }
        requestTurn?()
    }

    // MARK: Lines (loop thread)

    func level(offset: UInt32) -> Bool {
        lock.withLock {
            let bit = UInt16(1) << offset
            return configuration.inputs & bit != 0 ? levels & bit != 0 : configuration.latch & bit != 0
        }
    }

    /// Sets an output's physical level in the latch; the worker writes it.
    func setLevel(_ high: Bool, offset: UInt32) {
        lock.withLock {
            let bit = UInt16(1) << offset
            if high { configuration.latch |= bit } else { configuration.latch &= ~bit }
            latchPending = true
        }
        requestTurn?()
    }

    /// A reload changed the lines taken on the part: directions and pull-ups from
    /// `configuration`, and the latch from it only for the lines in `fresh` (outputs that
    /// start now); every other output keeps the level it drives. The worker sets the part
    /// up again on its next turn, with the same latch bits for the kept outputs, so they
    /// do not glitch. Lines ask for what the new configuration says from now on.
    func reconfigure(_ new: ExpanderPortConfiguration, fresh: UInt16) {
        let changed = lock.withLock { () -> Bool in
            var merged = new
            merged.latch = (new.latch & fresh) | (configuration.latch & ~fresh)
            guard merged != configuration else { return false }
            configuration = merged
            needsSetUp = true
            return true
        }
        if changed { requestTurn?() }
    }

    func release(_ request: ExpanderLineRequest) {
        lock.withLock { requests.removeAll { $0 === request } }
    }

    // MARK: Bus worker

    func serve(now: Timestamp) -> Timestamp? {
        let (writeLatch, stamp, setUpFirst, config) = lock.withLock {
            () -> (Bool, Timestamp?, Bool, ExpanderPortConfiguration) in
            defer {
                latchPending = false
                interruptStamp = nil
            }
            return (latchPending, interruptStamp, needsSetUp, configuration)
        }
        let due = nextPoll ?? now + spec.poll
        let pollDue = now >= due
        let next = pollDue ? PollSchedule.next(after: due, interval: spec.poll, now: now) : due
        nextPoll = next
        if setUpFirst {
            var port: UInt16 = 0
            guard transact({ () throws(I2CError) in
                port = try part.setUp(bus: bus, address: spec.address, configuration: config)
            }) else {
                return next
            }
            lock.withLock { needsSetUp = false }
            seen(port, at: stamp ?? clock.now())
            return next
        }
        if writeLatch {
            if !transact({ () throws(I2CError) in try write(config) }) {
                lock.withLock { latchPending = true }
                return next
            }
        }
        guard pollDue || stamp != nil else { return next }
        var port: UInt16 = 0
        if transact({ () throws(I2CError) in port = try part.readPort(bus: bus, address: spec.address) }) {
            seen(port, at: stamp ?? clock.now())
        }
        return next
    }

    /// The last output change still pending (the outputs' safe values at shutdown).
    func finish() {
        let (writeLatch, config) = lock.withLock { () -> (Bool, ExpanderPortConfiguration) in
            defer { latchPending = false }
            return (latchPending, configuration)
        }
        if writeLatch { _ = transact { () throws(I2CError) in try write(config) } }
    }

    private func write(_ config: ExpanderPortConfiguration) throws(I2CError) {
        try part.writeOutputs(bus: bus, address: spec.address, latch: config.latch, inputs: config.inputs)
    }

    /// Runs one bus step; a failure is reported once per run of failures and makes the
    /// next step a setup.
    private func transact(_ step: () throws(I2CError) -> Void) -> Bool {
        do {
            try step()
            if lock.withLock({ () -> Bool in defer { failing = false }; return failing }) {
                onTrouble?("expander '\(spec.id)' answers again", true)
            }
            return true
        } catch {
            let first = lock.withLock { () -> Bool in
                defer {
                    failing = true
                    needsSetUp = true
                }
                return !failing
            }
            if first { onTrouble?("expander '\(spec.id)': \(error); retrying every \(spec.poll)", false) }
            return false
        }
    }

    /// The port read `port` at `stamp`: every requested input that changed gets an edge.
    private func seen(_ port: UInt16, at stamp: Timestamp) {
        let (changed, notify) = lock.withLock { () -> (UInt16, [ExpanderLineRequest]) in
            let changed = (levels ^ port) & configuration.inputs
            levels = port
            return (changed, changed == 0 ? [] : requests)
        }
        for request in notify { request.changed(changed, port: port, at: stamp) }
    }

    // MARK: GPIOChip

    var path: String { "expander:\(spec.id)" }
    var name: String { "expander '\(spec.id)'" }
    var label: String { spec.driver.rawValue }
    var lineCount: Int { part.lineCount }

    func lineName(offset: UInt32) -> String? {
        Int(offset) < spec.driver.lineNames.count ? spec.driver.lineNames[Int(offset)] : nil
    }

    func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo {
        guard Int(offset) < lineCount else { throw GPIOError(.lineNotFound, "\(name) has no line \(offset)") }
        let input = lock.withLock { configuration.inputs & (1 << offset) != 0 }
        return GPIOLineInfo(offset: offset, name: lineName(offset: offset), consumer: nil, used: false,
                            direction: input ? .input : .output, activeLow: false, bias: .asIs, drive: .pushPull)
    }

    /// Lines are set up from the profile when the port opens; a request must ask for each
    /// line what the profile said.
    func request(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest {
        let inputs = lock.withLock { configuration.inputs }
        for line in lines {
            guard Int(line.offset) < lineCount else { throw GPIOError(.lineNotFound, "\(name) has no line \(line.offset)") }
            let isInput: Bool
            if case .input = line.direction { isInput = true } else { isInput = false }
            guard isInput == (inputs & (1 << line.offset) != 0) else {
                throw GPIOError(.unsupported, "\(name) line \(line.offset) was set up as \(isInput ? "an output" : "an input")")
            }
            if line.kernelDebounce != nil {
                throw GPIOError(.unsupported, "\(name) line \(line.offset): an expander has no kernel debounce")
            }
        }
        let request = ExpanderLineRequest(port: self, lines: lines)
        lock.withLock { requests.append(request) }
        return request
    }
}
