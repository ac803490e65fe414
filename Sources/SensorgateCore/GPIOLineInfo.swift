/// What the kernel reports about one line of a chip: what `gpioinfo` shows.
public struct GPIOLineInfo: Sendable, Equatable {
    public enum Direction: String, Sendable, Equatable {
        case input, output
    }

    public enum Drive: String, Sendable, Equatable {
        case pushPull = "push-pull"
        case openDrain = "open-drain"
        case openSource = "open-source"
    }

    public var offset: UInt32
    /// The line's name (device tree `gpio-line-names`, gpio-sim's `name`), if it has one.
    public var name: String?
    /// Who requested the line (e.g. `sensorgate:door`, `spi0 CS0`), if it is requested
    /// and the requester gave a name.
    public var consumer: String?
    /// Whether the line is in use (requested by user space or claimed by a kernel driver).
    public var used: Bool
    public var direction: Direction
    public var activeLow: Bool
    public var bias: Bias
    public var drive: Drive
    /// The kernel debounce period set on the line, if any (uAPI v2 reports it; v1 cannot).
    public var debouncePeriod: Interval?

    public init(offset: UInt32, name: String?, consumer: String?, used: Bool, direction: Direction, activeLow: Bool,
                bias: Bias, drive: Drive, debouncePeriod: Interval? = nil) {
        self.offset = offset
        self.name = name
        self.consumer = consumer
        self.used = used
        self.direction = direction
        self.activeLow = activeLow
        self.bias = bias
        self.drive = drive
        self.debouncePeriod = debouncePeriod
    }
}
