import SensorgateCore

/// A validated device profile: everything a gateway does.
///
/// Built only by ``ProfileLoader`` after validation succeeded, so every value here is
/// in range, every id unique and every reference resolved. Defaults are applied.
/// `DeviceProfiles/README.md` documents each key.
public struct Profile: Sendable, Equatable {
    /// The file it came from.
    public var path: String
    public var gateway: GatewaySettings
    public var mqtt: MQTTSettings
    public var inputs: [InputSpec]
    public var sensors: [SensorSpec]
    public var outputs: [OutputSpec]
    public var simulation: SimulationSpec

    public init(path: String, gateway: GatewaySettings, mqtt: MQTTSettings, inputs: [InputSpec],
                sensors: [SensorSpec], outputs: [OutputSpec], simulation: SimulationSpec) {
        self.path = path
        self.gateway = gateway
        self.mqtt = mqtt
        self.inputs = inputs
        self.sensors = sensors
        self.outputs = outputs
        self.simulation = simulation
    }
}

/// `gateway:`
public struct GatewaySettings: Sendable, Equatable {
    /// `id` (required): `[A-Za-z0-9_-]+`, used in the default topic prefix and client id.
    public var id: String
    /// `board`: a preset name from `DeviceProfiles/boards`, or nil.
    public var board: String?
    /// `state_dir`: where the gateway keeps its sequence counter (and later the outbox).
    /// Default `/var/lib/sensorgate`.
    public var stateDirectory: String

    public init(id: String, board: String? = nil, stateDirectory: String = "/var/lib/sensorgate") {
        self.id = id
        self.board = board
        self.stateDirectory = stateDirectory
    }
}

/// An MQTT broker address: `mqtt://host[:port]` (default 1883) or `mqtts://host[:port]` (default 8883).
public struct BrokerURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: Bool

    public init(host: String, port: Int, tls: Bool) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// Parses `mqtt://host:port` / `mqtts://host:port`; nil with a reason on failure.
    public static func parse(_ text: String) -> Result<BrokerURL, BrokerURLError> {
        let scheme: String, rest: Substring
        if text.hasPrefix("mqtt://") { scheme = "mqtt"; rest = text.dropFirst(7) }
        else if text.hasPrefix("mqtts://") { scheme = "mqtts"; rest = text.dropFirst(8) }
        else { return .failure(BrokerURLError(message: "expected mqtt://host:port or mqtts://host:port, got '\(text)'")) }
        let tls = scheme == "mqtts"
        var hostPart = rest
        if let slash = hostPart.firstIndex(of: "/") {
            if hostPart[slash...] != "/" {
                return .failure(BrokerURLError(message: "a broker URL has no path, got '\(text)'"))
            }
            hostPart = hostPart[..<slash]
        }
        var host = String(hostPart)
        var port = tls ? 8883 : 1883
        if hostPart.hasPrefix("[") {
            // [IPv6]:port
            guard let close = hostPart.firstIndex(of: "]") else {
                return .failure(BrokerURLError(message: "unclosed '[' in '\(text)'"))
            }
            host = String(hostPart[hostPart.index(after: hostPart.startIndex)..<close])
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    return .failure(BrokerURLError(message: "port must be 1...65535 in '\(text)'"))
                }
                port = p
            } else if !after.isEmpty {
                return .failure(BrokerURLError(message: "unexpected '\(after)' in '\(text)'"))
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = String(hostPart[..<colon])
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(BrokerURLError(message: "port must be 1...65535 in '\(text)'"))
            }
            port = p
        }
        if host.isEmpty { return .failure(BrokerURLError(message: "missing host in '\(text)'")) }
        return .success(BrokerURL(host: host, port: port, tls: tls))
    }

    public var description: String { "\(tls ? "mqtts" : "mqtt")://\(host.contains(":") ? "[\(host)]" : host):\(port)" }
}

public struct BrokerURLError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// MQTT quality of service.
public enum QoS: Int, Sendable, Equatable {
    case atMostOnce = 0, atLeastOnce = 1, exactlyOnce = 2
}

/// `mqtt:`
public struct MQTTSettings: Sendable, Equatable {
    /// `broker`, default `mqtt://127.0.0.1:1883`.
    public var broker: BrokerURL
    /// `client_id`, default the gateway id.
    public var clientID: String
    /// `topic_prefix`, default `sensorgate/<gateway.id>`. Never ends with `/`.
    public var topicPrefix: String
    /// `qos`, default 1.
    public var qos: QoS
    /// `retain`, default false (the status topic is always retained).
    public var retain: Bool
    /// `keepalive`, default 30s (5s...65535s).
    public var keepalive: Interval
    public var username: String?
    public var passwordFile: String?
    public var tls: TLSSettings?
    /// `max_buffered`: messages kept in memory while the broker is unreachable, default 10000.
    /// Past it the oldest are dropped and counted.
    public var maxBuffered: Int
    /// `outbox:` (durable delivery; used from the outbox issue on).
    public var outbox: OutboxSettings?
    /// `home_assistant:`
    public var homeAssistant: HomeAssistantSettings?

    public init(broker: BrokerURL, clientID: String, topicPrefix: String, qos: QoS = .atLeastOnce, retain: Bool = false,
                keepalive: Interval = .seconds(30), username: String? = nil, passwordFile: String? = nil,
                tls: TLSSettings? = nil, maxBuffered: Int = 10_000, outbox: OutboxSettings? = nil,
                homeAssistant: HomeAssistantSettings? = nil) {
        self.broker = broker
        self.clientID = clientID
        self.topicPrefix = topicPrefix
        self.qos = qos
        self.retain = retain
        self.keepalive = keepalive
        self.username = username
        self.passwordFile = passwordFile
        self.tls = tls
        self.maxBuffered = maxBuffered
        self.outbox = outbox
        self.homeAssistant = homeAssistant
    }
}

public struct TLSSettings: Sendable, Equatable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }
}

public struct OutboxSettings: Sendable, Equatable {
    public var path: String
    public var maxMessages: Int
    public init(path: String, maxMessages: Int = 1_000_000) {
        self.path = path
        self.maxMessages = maxMessages
    }
}

public struct HomeAssistantSettings: Sendable, Equatable {
    public var discovery: Bool
    public var prefix: String
    public init(discovery: Bool = false, prefix: String = "homeassistant") {
        self.discovery = discovery
        self.prefix = prefix
    }
}

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

    public init(chip: String? = nil, line: Line, bias: Bias = .asIs, activeLow: Bool = false, edge: EdgeDetection = .both,
                kernelDebounce: Interval? = nil) {
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

    public init(id: String, gpio: GPIOLineSpec, debounce: Interval = .milliseconds(20), count: PulseCountSpec? = nil,
                payloadOn: String? = nil, payloadOff: String? = nil, qos: QoS? = nil, retain: Bool? = nil,
                metrics: [EdgeMetricSpec] = []) {
        self.id = id
        self.gpio = gpio
        self.debounce = debounce
        self.count = count
        self.payloadOn = payloadOn
        self.payloadOff = payloadOff
        self.qos = qos
        self.retain = retain
        self.metrics = metrics
    }
}

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
    public init(every: Interval, scale: Double = 1, unit: String = "pulses") {
        self.every = every
        self.scale = scale
        self.unit = unit
    }
}

/// An entry of `sensors:`.
public struct SensorSpec: Sendable, Equatable {
    public var id: String
    /// `driver`: a name from the driver catalog (`sensorgate drivers`).
    public var driver: String
    /// `i2c: { bus: 1, address: 0x76 }`; address defaults to the driver's.
    public var bus: Int
    public var address: UInt8
    /// `interval`, default the driver's.
    public var interval: Interval
    /// `channels:`; a driver channel not listed is still published, unfiltered.
    /// Order: as written in the profile, then the remaining driver channels.
    public var channels: [ChannelSpec]
    public var qos: QoS?
    public var retain: Bool?

    public init(id: String, driver: String, bus: Int, address: UInt8, interval: Interval, channels: [ChannelSpec],
                qos: QoS? = nil, retain: Bool? = nil) {
        self.id = id
        self.driver = driver
        self.bus = bus
        self.address = address
        self.interval = interval
        self.channels = channels
        self.qos = qos
        self.retain = retain
    }
}

/// One channel of a sensor and its processing.
public struct ChannelSpec: Sendable, Equatable {
    public var name: String
    /// `enabled`, default true; false stops publishing the channel.
    public var enabled: Bool
    public var filters: [FilterSpec]
    public var windows: [WindowSpec]

    public init(name: String, enabled: Bool = true, filters: [FilterSpec] = [], windows: [WindowSpec] = []) {
        self.name = name
        self.enabled = enabled
        self.filters = filters
        self.windows = windows
    }
}

/// One step of `filters:`. The full library grows here (its own issue).
public enum FilterSpec: Sendable, Equatable {
    /// `{ median: 5 }`: median of the last N readings (N odd or even, 1...101).
    case median(size: Int)
    /// `{ delta: 0.1 }`: pass a reading only if it differs from the last passed one by at least this much.
    case delta(threshold: Double)
    /// `{ sliding_average: { size: 10, every: 5 } }`: mean of the last `size`, emitted every `every` readings.
    case slidingAverage(size: Int, every: Int)
}

/// One entry of `windows:`: a tumbling window.
public struct WindowSpec: Sendable, Equatable {
    public var name: String
    public var every: Interval
    public var stats: [Statistic]
    public init(name: String, every: Interval, stats: [Statistic]) {
        self.name = name
        self.every = every
        self.stats = stats
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

    public init(id: String, gpio: GPIOLineSpec, initial: Bool = false, safe: Bool? = nil) {
        self.id = id
        self.gpio = gpio
        self.initial = initial
        self.safe = safe ?? initial
    }
}

/// `simulation:`: signals that drive the simulated chip and devices under `run --simulate`.
public struct SimulationSpec: Sendable, Equatable {
    /// Keyed by input id.
    public var inputs: [String: SignalSpec]
    /// Keyed by sensor id, then channel name.
    public var sensors: [String: [String: SignalSpec]]
    /// `seed`: makes random signals repeatable; default 1.
    public var seed: UInt64

    public init(inputs: [String: SignalSpec] = [:], sensors: [String: [String: SignalSpec]] = [:], seed: UInt64 = 1) {
        self.inputs = inputs
        self.sensors = sensors
        self.seed = seed
    }
}

/// A simulated physical signal.
public enum SignalSpec: Sendable, Equatable {
    /// Binary: `{ square: { period: 10s, duty: 0.5, bounce: 5ms } }`; `bounce` adds contact bounce
    /// (a burst of short toggles lasting up to that long) at every transition.
    case square(period: Interval, duty: Double, bounce: Interval)
    /// Binary: `{ pulses: { rate: 0.5/s, width: 50ms, bounce: 0s } }`: Poisson-distributed pulses.
    case pulses(ratePerSecond: Double, width: Interval, bounce: Interval)
    /// Numeric: `{ constant: 21.5 }`
    case constant(Double)
    /// Numeric: `{ walk: { start: 21, step: 0.05, min: .., max: .. } }`: a random walk, one step per read.
    case walk(start: Double, step: Double, min: Double?, max: Double?)
    /// Numeric: `{ sine: { mean: 55, amplitude: 10, period: 10m } }`
    case sine(mean: Double, amplitude: Double, period: Interval)
}
