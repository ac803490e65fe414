import SensorgateCore

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
    /// `options`: the driver's settings the profile gives, each validated against the
    /// driver's declaration; the rest take the declared defaults.
    public var options: DriverOptions
    /// `channels:`; a driver channel not listed is still published, unfiltered.
    /// Order: as written in the profile, then the remaining driver channels.
    public var channels: [ChannelSpec]
    public var qos: QoS?
    public var retain: Bool?
    /// `offline_after`: consecutive failed polls (setup or read) after which the sensor's
    /// `<prefix>/<id>/status` says `offline`; 1...100, default 3.
    public var offlineAfter: Int

    public static let defaultOfflineAfter = 3

    public init(id: String, driver: String, bus: Int, address: UInt8, interval: Interval,
                options: DriverOptions = DriverOptions(), channels: [ChannelSpec],
                qos: QoS? = nil, retain: Bool? = nil, offlineAfter: Int = SensorSpec.defaultOfflineAfter) {
        self.id = id
        self.driver = driver
        self.bus = bus
        self.address = address
        self.interval = interval
        self.options = options
        self.channels = channels
        self.qos = qos
        self.retain = retain
        self.offlineAfter = offlineAfter
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
