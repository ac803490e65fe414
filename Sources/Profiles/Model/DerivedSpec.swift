import Pipeline
import SensorgateCore

/// An entry of `derived:`: a value computed from other channels of the gateway, with
/// its own filters and windows like a sensor channel.
public struct DerivedSpec: Sendable, Equatable {
    /// A topic level under the prefix, unique among inputs, sensors, outputs and derived channels.
    public var id: String
    public var formula: DerivedFormula
    /// The sensor channels the formula reads, in the formula's operand order (a
    /// built-in's, or `vars` as written for an expression).
    public var operands: [ChannelReference]
    /// The payload's `unit`: the built-in's, or `unit:` for an expression (nil: none).
    public var unit: String?
    public var filters: [FilterSpec]
    public var windows: [WindowSpec]

    public init(id: String, formula: DerivedFormula, operands: [ChannelReference], unit: String?,
                filters: [FilterSpec] = [], windows: [WindowSpec] = []) {
        self.id = id
        self.formula = formula
        self.operands = operands
        self.unit = unit
        self.filters = filters
        self.windows = windows
    }
}

/// `climate.temperature`: a channel of a sensor, by the sensor's id and the channel's name.
public struct ChannelReference: Sendable, Hashable, CustomStringConvertible {
    public var sensor: String
    public var channel: String

    public init(sensor: String, channel: String) {
        self.sensor = sensor
        self.channel = channel
    }

    public var description: String { sensor + "." + channel }
}
