import Pipeline
import SensorgateCore

/// An entry of `sensors:`.
public struct SensorSpec: Sendable, Equatable {
    public var id: String
    /// `driver`: a name from the driver catalog (`sensorgate drivers`).
    public var driver: String
    /// `i2c: { bus: 1, address: 0x76 }`; address defaults to the driver's.
    public var bus: Int
    public var address: UInt8
    /// `i2c.mux`: the TCA9548A channel the part sits behind, or nil when it is directly
    /// on the bus.
    public var mux: I2CMuxChannel?
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
    /// `publish`: one message per channel (the default), one JSON object with every
    /// channel on `<prefix>/<id>`, or both.
    public var publish: SensorPublishing
    /// `offline_after`: consecutive failed polls (setup or read) after which the sensor's
    /// `<prefix>/<id>/status` says `offline`; 1...100, default 3.
    public var offlineAfter: Int

    public static let defaultOfflineAfter = 3

    public init(id: String, driver: String, bus: Int, address: UInt8, mux: I2CMuxChannel? = nil, interval: Interval,
                options: DriverOptions = DriverOptions(), channels: [ChannelSpec],
                qos: QoS? = nil, retain: Bool? = nil, offlineAfter: Int = SensorSpec.defaultOfflineAfter,
                publish: SensorPublishing = .perChannel) {
        self.publish = publish
        self.id = id
        self.driver = driver
        self.bus = bus
        self.address = address
        self.mux = mux
        self.interval = interval
        self.options = options
        self.channels = channels
        self.qos = qos
        self.retain = retain
        self.offlineAfter = offlineAfter
    }
}

/// Where a sensor's readings are published.
public enum SensorPublishing: String, Sendable, Equatable, CaseIterable {
    /// `per_channel`: `{"value": ..., "unit": ...}` on `<prefix>/<sensor id>/<channel>`.
    case perChannel = "per_channel"
    /// `combined`: `{"temperature": 21.5, "humidity": 48.2, ...}` on `<prefix>/<sensor id>`
    /// (zigbee2mqtt's shape), every channel's latest value in one message.
    case combined
    /// `both`: each reading goes out both ways.
    case both

    public var perChannel: Bool { self != .combined }
    public var combined: Bool { self != .perChannel }
}

/// `i2c.mux: { address: 0x70, channel: 3 }`: one downstream channel of a TCA9548A (or
/// PCA9548A) I2C multiplexer on the sensor's bus.
public struct I2CMuxChannel: Sendable, Hashable {
    /// The multiplexer's own address, 0x70...0x77 (A2, A1, A0).
    public var address: UInt8
    /// The downstream channel, 0...7.
    public var channel: Int

    /// The addresses a TCA9548A answers at: `1110 A2 A1 A0`.
    public static let addresses: ClosedRange<UInt8> = 0x70...0x77
    /// Its eight downstream channels.
    public static let channels: ClosedRange<Int> = 0...7

    public init(address: UInt8, channel: Int) {
        self.address = address
        self.channel = channel
    }

    /// The control register value that enables this channel alone.
    public var controlByte: UInt8 { UInt8(1) << UInt8(channel) }
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

/// One step of `filters:`: a name from ``FilterCatalog`` and its settings, decoded
/// against that filter's own declaration.
public typealias FilterSpec = FilterConfiguration
