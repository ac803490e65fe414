/// The kernel boundary for GPIO: what a gpiochip offers, whether it is the kernel's
/// character device (through libgpiod) or the simulator.
///
/// Values are logical: active-low is applied by the backend, as libgpiod does.

/// Pull resistor configuration of an input line.
public enum Bias: String, Sendable, CaseIterable, Equatable {
    case asIs = "as-is"
    case disabled = "disabled"
    case pullUp = "pull-up"
    case pullDown = "pull-down"
}

/// Which edges a request reports.
public enum EdgeDetection: String, Sendable, CaseIterable, Equatable {
    case both, rising, falling, none
}

/// What one requested line should be.
public struct LineConfig: Sendable, Equatable {
    public enum Direction: Sendable, Equatable {
        case input(edge: EdgeDetection, bias: Bias)
        case output(initial: Bool)
    }

    public var offset: UInt32
    public var direction: Direction
    public var activeLow: Bool
    /// Debounce done by the kernel (GPIO uAPI v2's debounce attribute) for an input, or
    /// nil for none. Backends that cannot do it reject a request that asks for it.
    public var kernelDebounce: Interval?

    public init(offset: UInt32, direction: Direction, activeLow: Bool = false, kernelDebounce: Interval? = nil) {
        self.offset = offset
        self.direction = direction
        self.activeLow = activeLow
        self.kernelDebounce = kernelDebounce
    }
}

/// A set of lines requested from one chip. Edge events are read from
/// ``fileDescriptor`` when it becomes readable: no thread per line, no polling.
public protocol GPIOLineRequest: AnyObject {
    /// Readable when edge events are pending.
    var fileDescriptor: Int32 { get }
    /// Reads every pending edge event without blocking and appends them in order.
    /// Returns what the kernel (or simulator) dropped since the last read: an exact count
    /// where the backend can tell (uAPI v2 sequence numbers, the simulator), or a
    /// suspicion (uAPI v1 cannot count its drops; it reports a full queue).
    func readEdgeEvents(into events: inout [EdgeEvent]) throws(GPIOError) -> EdgeLoss
    /// The current logical value of a requested line.
    func value(offset: UInt32) throws(GPIOError) -> Bool
    /// Drives a requested output line.
    func setValue(_ value: Bool, offset: UInt32) throws(GPIOError)
    /// Releases the lines. Further calls fail.
    func release()
}

/// Edge events the kernel dropped before they were read (its event queue was full).
public struct EdgeLoss: Sendable, Equatable {
    /// How many were dropped; with `exact == false`, a lower bound of 1 meaning "possibly".
    public var dropped: Int
    /// Whether ``dropped`` is a count (uAPI v2, the simulator) or a suspicion (uAPI v1).
    public var exact: Bool

    public init(dropped: Int, exact: Bool) {
        self.dropped = dropped
        self.exact = exact
    }

    /// Nothing was dropped.
    public static let none = EdgeLoss(dropped: 0, exact: true)

    /// Whether anything was, or may have been, dropped.
    public var isEmpty: Bool { dropped == 0 }
}

/// A gpiochip.
public protocol GPIOChip: AnyObject {
    /// The device it was opened from, e.g. `/dev/gpiochip0`.
    var path: String { get }
    var name: String { get }
    var label: String { get }
    var lineCount: Int { get }
    func lineName(offset: UInt32) -> String?
    /// What the kernel reports about a line now (what `gpioinfo` shows).
    func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo
    func request(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest
}

/// Opens chips by the profile's selector (`gpiochip0`, `/dev/gpiochip0`, a label or a number).
public protocol GPIOChipProvider: AnyObject {
    /// Which library and API serve the chips, e.g. `libgpiod 2.2.1 (API v2, libgpiod.so.3)`.
    var backendDescription: String { get }
    func openChip(_ selector: String) throws(GPIOError) -> any GPIOChip
    /// Every chip's device path (`/dev/gpiochipN`), by number.
    func chipPaths() -> [String]
}

/// A GPIO failure, as a value.
public struct GPIOError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case chipNotFound = "chip not found"
        case lineNotFound = "line not found"
        case busy = "line busy"
        case notRequested = "line not requested"
        case notOutput = "line is not an output"
        case released = "request released"
        case io = "I/O error"
        case unsupported = "not supported"
    }

    public var code: Code
    public var message: String
    public var errno: Int32?

    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
