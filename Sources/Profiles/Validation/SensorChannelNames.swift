import SensorgateCore

/// The channels one sensor of a profile has: its driver's, with the sensor's options.
/// What `channels:` and `simulation:` keys of that sensor are checked against.
struct SensorChannelNames: Equatable {
    var driver: String
    var channels: [ChannelDescriptor]

    var names: [String] { channels.map(\.name) }

    func contains(_ name: String) -> Bool { channels.contains { $0.name == name } }
}
