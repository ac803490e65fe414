/// What a channel of a sensor measures.
public struct ChannelDescriptor: Sendable, Equatable {
    /// The channel's profile key and topic level, e.g. `temperature`.
    public var name: String
    /// The payload's `unit`, e.g. `°C`.
    public var unit: String
    /// Home Assistant `device_class`, where one fits.
    public var deviceClass: String?
    /// Decimal places worth publishing (the part's resolution); nil publishes every digit.
    public var decimals: Int?

    public init(name: String, unit: String, deviceClass: String? = nil, decimals: Int? = nil) {
        self.name = name
        self.unit = unit
        self.deviceClass = deviceClass
        self.decimals = decimals
    }

    /// `value` rounded to ``decimals``.
    @inlinable
    public func rounded(_ value: Double) -> Double {
        guard let decimals, value.isFinite else { return value }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        return (value * scale).rounded() / scale
    }
}

/// The catalog entry of a driver: enough to validate a profile and list drivers
/// without touching hardware.
public struct DriverDescriptor: Sendable {
    /// The profile's `driver:` value, the part number in lower case (`bme280`).
    public var name: String
    /// The part as its maker writes it (`BME280`).
    public var part: String
    public var summary: String
    public var defaultAddress: UInt8
    public var allowedAddresses: [UInt8]
    public var defaultInterval: Interval
    /// The shortest interval the part can honour with the driver's settings.
    public var minimumInterval: Interval
    /// The channels with the default options, in the order `read` returns them.
    public var channels: [ChannelDescriptor]
    /// The channels with `options`, for a part whose options change what it measures (an
    /// ADC's single-ended or differential inputs); ``channels`` for the rest.
    public var channelsForOptions: @Sendable (DriverOptions) -> [ChannelDescriptor]
    /// The settings a profile may give under the sensor's `options:`, validated there.
    public var options: [DriverOption]
    /// The register that names the part, if it has one: `sensorgate i2c scan` reads it to
    /// tell apart parts that share an address.
    public var identity: ChipIdentity?
    /// Builds a driver instance with the validated options; does no I/O.
    public var make: @Sendable (DriverOptions) -> any SensorDriver

    public init(name: String, part: String, summary: String, defaultAddress: UInt8, allowedAddresses: [UInt8],
                defaultInterval: Interval, minimumInterval: Interval, channels: [ChannelDescriptor],
                options: [DriverOption] = [],
                channelsForOptions: (@Sendable (DriverOptions) -> [ChannelDescriptor])? = nil,
                identity: ChipIdentity? = nil,
                make: @escaping @Sendable (DriverOptions) -> any SensorDriver) {
        self.name = name
        self.part = part
        self.summary = summary
        self.defaultAddress = defaultAddress
        self.allowedAddresses = allowedAddresses
        self.defaultInterval = defaultInterval
        self.minimumInterval = minimumInterval
        self.channels = channels
        self.channelsForOptions = channelsForOptions ?? { _ in channels }
        self.options = options
        self.identity = identity
        self.make = make
    }

    public func channel(named name: String) -> ChannelDescriptor? { channels.first { $0.name == name } }

    /// The channels a sensor with `options` has, in the order its driver's `read` returns them.
    public func channels(for options: DriverOptions) -> [ChannelDescriptor] { channelsForOptions(options) }

    public func option(named name: String) -> DriverOption? { options.first { $0.name == name } }
}

/// An I2C sensor driver. `init` does no I/O; `setUp` checks and configures the part;
/// `read` performs one measurement and returns one value per channel, in the order
/// of the descriptor's `channels(for:)` with the options the driver was made with. Both
/// run on the bus worker, never the event loop.
/// A part that measures on its own schedule (the SCD4x every 5 or 30 s) returns no values
/// when it has no sample since the last read: the poll publishes nothing and is not a failure.
public protocol SensorDriver: AnyObject {
    func setUp(bus: any I2CBus, address: UInt8) throws(I2CError)
    func read(bus: any I2CBus, address: UInt8) throws(I2CError) -> [Double]
}
