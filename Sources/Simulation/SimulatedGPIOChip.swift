#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import SensorgateCore

/// A gpiochip in software, at the kernel boundary: the gateway's GPIO code requests lines
/// and reads edge events from a file descriptor exactly as it does with the kernel's
/// character device, while the "outside world" (a ``SignalPlayer`` or a test) drives the
/// pins' physical levels.
///
/// Like the kernel it models:
/// - an undriven pin settles at its bias (pull-up 1, pull-down 0; as-is and disabled keep
///   the last level);
/// - values and edges are logical: active-low inverts them, and a single-edge request
///   reports logical rising or falling edges (the v1 uAPI swaps the trigger for active-low);
/// - each request has an event queue of 16 events per line; when it is full, new events
///   are dropped and counted exactly (as uAPI v2's sequence numbers count them; the v1
///   kernel also drops the newest, silently);
/// - a line can be requested once at a time (`busy` otherwise);
/// - kernel debounce (``LineConfig/kernelDebounce``, uAPI v2) works as gpiolib-cdev's: a
///   change is reported once the level has held for the period, stamped when the period
///   ends, and a bounce back within the period reports nothing.
public final class SimulatedGPIOChip: GPIOChip, @unchecked Sendable {
    public let name: String
    public let label: String
    public let lineCount: Int
    /// A device path in the simulator's own name space (no file of that name exists).
    public var path: String { "sim:/dev/\(name)" }
    /// Events a request queues per line before dropping (the kernel's v1 FIFO holds 16).
    public let queueCapacityPerLine: Int

    private let clock: any MonotonicClock
    private let names: [String]
    private let lock = Mutex()
    private var lines: [LineState]

    struct LineState {
        /// What the outside world drives onto the pin; nil when it floats.
        var external: Bool?
        /// The physical level (after bias when floating, or what an output drives).
        var physical: Bool = false
        var request: SimulatedLineRequest?
        var config: LineConfig?
        /// Who requested it, while requested.
        var consumer: String?
        /// Output value (logical) when requested as output.
        var outputValue: Bool = false
        /// With kernel debounce: the physical level last reported, and when the level
        /// last changed while it differs from (or bounced around) that one.
        var debouncedLevel: Bool = false
        var unsettledSince: Timestamp?
    }

    /// - Parameters:
    ///   - lineNames: the kernel line names; default `GPIO0`, `GPIO1`, ... as on a Raspberry Pi.
    public init(name: String = "gpiochip0", label: String = "sensorgate-sim", lineCount: Int = 54,
                lineNames: [String]? = nil, queueCapacityPerLine: Int = 16, clock: any MonotonicClock = SystemClock()) {
        self.name = name
        self.label = label
        self.lineCount = lineCount
        self.queueCapacityPerLine = queueCapacityPerLine
        self.clock = clock
        self.names = lineNames ?? (0..<lineCount).map { "GPIO\($0)" }
        self.lines = Array(repeating: LineState(), count: lineCount)
    }

    public func lineName(offset: UInt32) -> String? {
        Int(offset) < names.count ? names[Int(offset)] : nil
    }

    /// What the kernel would report about a line: its request's configuration while it
    /// is requested (consumer and all), an unused input otherwise.
    public func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo {
        try lock.withLock { () throws(GPIOError) -> GPIOLineInfo in
            guard Int(offset) < lines.count else {
                throw GPIOError(.lineNotFound, "\(name) has no line \(offset) (it has \(lineCount))")
            }
            let line = lines[Int(offset)]
            var info = GPIOLineInfo(offset: offset, name: lineName(offset: offset), consumer: nil, used: false,
                                    direction: .input, activeLow: false, bias: .asIs, drive: .pushPull)
            if let config = line.config {
                info.used = true
                info.consumer = line.consumer
                info.activeLow = config.activeLow
                switch config.direction {
                case .input(_, let bias): info.bias = bias
                case .output: info.direction = .output
                }
            }
            return info
        }
    }

    /// The offset of a line by its kernel name.
    public func offset(ofLineNamed lineName: String) -> UInt32? {
        names.firstIndex(of: lineName).map { UInt32($0) }
    }

    // MARK: Outside world

    /// Drives a pin's physical level (true = high), or lets it float with `nil`.
    /// Requested edge-detecting inputs see an edge stamped `at` (default: now).
    public func drive(offset: UInt32, level: Bool?, at timestamp: Timestamp? = nil) {
        let stamp = timestamp ?? clock.now()
        lock.withLock {
            guard Int(offset) < lines.count else { return }
            lines[Int(offset)].external = level
            settle(Int(offset), at: stamp)
        }
    }

    /// The pin's physical level, e.g. what an output drives.
    public func physicalLevel(offset: UInt32) -> Bool {
        lock.withLock { Int(offset) < lines.count ? lines[Int(offset)].physical : false }
    }

    /// Whether a line is currently requested, and how.
    public func configuration(offset: UInt32) -> LineConfig? {
        lock.withLock { Int(offset) < lines.count ? lines[Int(offset)].config : nil }
    }

    /// Recomputes a pin's physical level; emits an edge if it changed. Lock held.
    private func settle(_ index: Int, at stamp: Timestamp) {
        var line = lines[index]
        let old = line.physical
        var new = old
        if let config = line.config, case .output = config.direction {
            new = line.outputValue != config.activeLow
        } else if let external = line.external {
            new = external
        } else if let config = line.config, case .input(_, let bias) = config.direction {
            switch bias {
            case .pullUp: new = true
            case .pullDown: new = false
            case .asIs, .disabled: new = old
            }
        }
        guard new != old else { return }
        if let period = line.config?.kernelDebounce, line.request != nil {
            // The kernel's debounce restarts its period on every change; a period that
            // ran out before this change reports the level that held through it.
            flushDebounce(index, upTo: stamp)
            lines[index].physical = new
            lines[index].unsettledSince = stamp
            lines[index].request?.wake(at: stamp + period)
            return
        }
        line.physical = new
        lines[index] = line
        report(index, level: new, at: stamp)
    }

    /// Reports a physical level change of a requested input as an edge, if its edge
    /// selection wants it. Lock held.
    private func report(_ index: Int, level new: Bool, at stamp: Timestamp) {
        let line = lines[index]
        guard let config = line.config, case .input(let edge, _) = config.direction,
              let request = line.request else { return }
        let logical = new != config.activeLow
        let kind: EdgeKind = logical ? .rising : .falling
        switch (edge, kind) {
        case (.both, _), (.rising, .rising), (.falling, .falling):
            request.enqueue(EdgeEvent(offset: UInt32(index), kind: kind, timestamp: stamp))
        default:
            break
        }
    }

    /// Reports what a debounced line's period settled, if it ran out by `now`. Lock held.
    private func flushDebounce(_ index: Int, upTo now: Timestamp) {
        guard let since = lines[index].unsettledSince, let period = lines[index].config?.kernelDebounce,
              since + period <= now else { return }
        lines[index].unsettledSince = nil
        let level = lines[index].physical
        guard level != lines[index].debouncedLevel else { return }
        lines[index].debouncedLevel = level
        report(index, level: level, at: since + period)
    }

    /// Settles the debounce periods of a request's lines that ran out by now, and returns
    /// the earliest one still running (when the request should look again).
    func settleDebounce(for request: SimulatedLineRequest) -> Timestamp? {
        let now = clock.now()
        return lock.withLock { () -> Timestamp? in
            var next: Timestamp?
            for index in lines.indices where lines[index].request === request {
                flushDebounce(index, upTo: now)
                if let since = lines[index].unsettledSince, let period = lines[index].config?.kernelDebounce {
                    next = min(next ?? since + period, since + period)
                }
            }
            return next
        }
    }

    // MARK: Kernel side

    public func request(_ configs: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest {
        try lock.withLock { () throws(GPIOError) -> SimulatedLineRequest in
            var seen = Set<UInt32>()
            for config in configs {
                if config.kernelDebounce != nil, case .output = config.direction {
                    throw GPIOError(.unsupported, "\(name) line \(config.offset): kernel debounce applies to inputs only")
                }
                guard Int(config.offset) < lines.count else {
                    throw GPIOError(.lineNotFound, "\(name) has no line \(config.offset) (it has \(lineCount))")
                }
                guard lines[Int(config.offset)].request == nil, seen.insert(config.offset).inserted else {
                    throw GPIOError(.busy, "\(name) line \(config.offset) is already requested")
                }
            }
            let request = try SimulatedLineRequest(chip: self, offsets: configs.map(\.offset),
                                                   capacity: queueCapacityPerLine * max(1, configs.count),
                                                   debounced: configs.contains { $0.kernelDebounce != nil },
                                                   clock: clock)
            let now = clock.now()
            for config in configs {
                let index = Int(config.offset)
                lines[index].config = config
                lines[index].consumer = consumer
                lines[index].request = request
                if case .output(let initial) = config.direction { lines[index].outputValue = initial }
                // Applying bias or driving an output settles the pin, without an edge for
                // the request being made (the kernel reports no edge for the request itself).
                lines[index].request = nil
                settle(index, at: now)
                lines[index].debouncedLevel = lines[index].physical
                lines[index].unsettledSince = nil
                lines[index].request = request
            }
            return request
        }
    }

    func value(offset: UInt32, for request: SimulatedLineRequest) throws(GPIOError) -> Bool {
        try lock.withLock { () throws(GPIOError) -> Bool in
            let index = Int(offset)
            guard index < lines.count, lines[index].request === request, let config = lines[index].config else {
                throw GPIOError(.notRequested, "\(name) line \(offset) is not part of this request")
            }
            if case .output = config.direction { return lines[index].outputValue }
            return lines[index].physical != config.activeLow
        }
    }

    func setValue(_ value: Bool, offset: UInt32, for request: SimulatedLineRequest) throws(GPIOError) {
        try lock.withLock { () throws(GPIOError) in
            let index = Int(offset)
            guard index < lines.count, lines[index].request === request, let config = lines[index].config else {
                throw GPIOError(.notRequested, "\(name) line \(offset) is not part of this request")
            }
            guard case .output = config.direction else {
                throw GPIOError(.notOutput, "\(name) line \(offset) is an input")
            }
            lines[index].outputValue = value
            settle(index, at: clock.now())
        }
    }

    func release(_ request: SimulatedLineRequest) {
        lock.withLock {
            for index in lines.indices where lines[index].request === request {
                lines[index].request = nil
                lines[index].config = nil
                lines[index].consumer = nil
                settle(index, at: clock.now())
            }
        }
    }
}
