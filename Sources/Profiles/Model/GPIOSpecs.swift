import Pipeline
import SensorgateCore

/// Where a GPIO line is: a chip selector and a line selector, as written in the profile.
/// ``LineResolver`` resolves it: against the board preset when validating, then on the
/// open chip when the gateway starts.
public struct GPIOLineSpec: Sendable, Equatable {
    public enum Line: Sendable, Equatable {
        /// `line: 17`
        case offset(UInt32)
        /// `line: GPIO17` or `line: pin11` (board preset header name) or a kernel line name.
        case name(String)
    }

    /// `chip`: `gpiochip0`, `/dev/gpiochip0`, a label or a number, as written (compare
    /// chips as ``GPIOChipSelector`` values); nil means the board preset's chip, or `gpiochip0`.
    public var chip: String?
    public var line: Line
    /// `bias`, default `as-is`.
    public var bias: Bias
    /// `active_low`, default false.
    public var activeLow: Bool
    /// `edge` (inputs only), default `both`.
    public var edge: EdgeDetection
    /// `kernel_debounce` (inputs only): debounce done by the kernel's GPIO uAPI v2 (needs
    /// libgpiod 2), in whole microseconds; nil (the default, or `0s`) for none.
    public var kernelDebounce: Interval?
    /// `expander`: the id of an entry of `expanders:` whose line this is, or nil for a
    /// kernel GPIO line. On an expander, ``line`` is always an offset (a pin name such as
    /// `GPA3` is resolved when validating) and ``chip`` is nil.
    public var expander: String?

    public init(chip: String? = nil, line: Line, bias: Bias = .asIs, activeLow: Bool = false, edge: EdgeDetection = .both,
                kernelDebounce: Interval? = nil, expander: String? = nil) {
        self.expander = expander
        self.chip = chip
        self.line = line
        self.bias = bias
        self.activeLow = activeLow
        self.edge = edge
        self.kernelDebounce = kernelDebounce
    }
}

/// An entry of `inputs:`.
public struct InputSpec: Sendable, Equatable {
    public var id: String
    public var gpio: GPIOLineSpec
    /// `debounce`, default 20ms; `0s` turns it off.
    public var debounce: Interval
    /// `count:` turns the input into a pulse counter (published every `every`).
    public var count: PulseCountSpec?
    /// `payload: { on: ..., off: ... }`: strings published instead of `true`/`false`, if set.
    public var payloadOn: String?
    public var payloadOff: String?
    /// `qos` / `retain` override the mqtt defaults for this input's topic, if set.
    public var qos: QoS?
    public var retain: Bool?
    /// `frequency:`, `pulse_width:`, `duty_cycle:`: edge metrics, each on `<prefix>/<id>/<metric>`.
    public var metrics: [EdgeMetricSpec]
    /// `filters:` (binary inputs only): names from ``BinaryFilterCatalog`` with their
    /// settings, run in list order on the debounced level; none by default.
    public var filters: [BinaryFilterSpec]

    public init(id: String, gpio: GPIOLineSpec, debounce: Interval = .milliseconds(20), count: PulseCountSpec? = nil,
                payloadOn: String? = nil, payloadOff: String? = nil, qos: QoS? = nil, retain: Bool? = nil,
                metrics: [EdgeMetricSpec] = [], filters: [BinaryFilterSpec] = []) {
        self.id = id
        self.gpio = gpio
        self.debounce = debounce
        self.count = count
        self.payloadOn = payloadOn
        self.payloadOff = payloadOff
        self.qos = qos
        self.retain = retain
        self.metrics = metrics
        self.filters = filters
    }
}

/// One step of an input's `filters:`: a name from ``BinaryFilterCatalog`` and its
/// settings, decoded against that filter's own declaration.
public typealias BinaryFilterSpec = FilterConfiguration

/// One edge metric of an input, measured per period from kernel timestamps:
/// `frequency: { every: 10s }`, `pulse_width: { every: 10s, stats: [mean, max] }`,
/// `duty_cycle: { every: 10s }`.
public struct EdgeMetricSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Rising edges per second (Hz).
        case frequency
        /// Widths of the pulses (active phases) that ended in the period, in seconds.
        case pulseWidth = "pulse_width"
        /// Share of the period the line was active, in percent.
        case dutyCycle = "duty_cycle"
    }

    public var kind: Kind
    public var every: Interval
    /// Statistics of the pulse widths (`pulse_width` only); default mean, min, max, count.
    public var stats: [Statistic]

    public init(kind: Kind, every: Interval, stats: [Statistic] = [.mean, .min, .max, .count]) {
        self.kind = kind
        self.every = every
        self.stats = stats
    }
}

/// `count: { every: 60s, scale: 0.2794, unit: mm }`
public struct PulseCountSpec: Sendable, Equatable {
    public var every: Interval
    public var scale: Double
    public var unit: String
    /// `rate:`: the count's rate, published every period on `<prefix>/<id>/rate`.
    public var rate: PulseRateSpec?
    public init(every: Interval, scale: Double = 1, unit: String = "pulses", rate: PulseRateSpec? = nil) {
        self.every = every
        self.scale = scale
        self.unit = unit
        self.rate = rate
    }
}

/// `rate: { per: 1m, unit: L/min, round: 2 }` inside `count:`.
public struct PulseRateSpec: Sendable, Equatable {
    /// The rate's time unit: `1m` for per minute; default 1s.
    public var per: Interval
    /// Default `<count unit>/<per>` (`mm/h`, `pulses/s`).
    public var unit: String
    /// Decimals published; default from the unit (``defaultDecimals(for:)``).
    public var decimals: Int

    public init(per: Interval, unit: String, decimals: Int? = nil) {
        self.per = per
        self.unit = unit
        self.decimals = decimals ?? Self.defaultDecimals(for: unit)
    }

    /// Decimals by unit, about a meter's resolution: `rpm` 0; `mm/h` and `%` 1;
    /// `L/min`, `L/h` and `Hz` 2; anything else 3.
    public static func defaultDecimals(for unit: String) -> Int {
        switch unit {
        case "rpm", "RPM": return 0
        case "mm/h", "%": return 1
        case "L/min", "l/min", "L/h", "l/h", "Hz": return 2
        default: return 3
        }
    }
}

/// An entry of `outputs:`.
public struct OutputSpec: Sendable, Equatable {
    public var id: String
    public var gpio: GPIOLineSpec
    /// `initial`, default off.
    public var initial: Bool
    /// `safe`: the value on shutdown, default `initial`.
    public var safe: Bool
    /// `payload: { on: ..., off: ... }`: strings published instead of `true`/`false`, if
    /// set; a command may use them too.
    public var payloadOn: String?
    public var payloadOff: String?

    public init(id: String, gpio: GPIOLineSpec, initial: Bool = false, safe: Bool? = nil,
                payloadOn: String? = nil, payloadOff: String? = nil) {
        self.payloadOn = payloadOn
        self.payloadOff = payloadOff
        self.id = id
        self.gpio = gpio
        self.initial = initial
        self.safe = safe ?? initial
    }
}
