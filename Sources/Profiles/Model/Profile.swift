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
    /// Entries of `outputs:` with `pwm:` (a PWM controller's channel) instead of `gpio:`.
    public var pwmOutputs: [PWMOutputSpec]
    /// `expanders:`: I2C GPIO expanders and PWM controllers whose lines inputs and outputs use.
    public var expanders: [ExpanderSpec]
    public var simulation: SimulationSpec
    /// `derived:`: values computed from sensor channels.
    public var derived: [DerivedSpec] = []

    public init(path: String, gateway: GatewaySettings, mqtt: MQTTSettings, inputs: [InputSpec],
                sensors: [SensorSpec], outputs: [OutputSpec], pwmOutputs: [PWMOutputSpec] = [],
                expanders: [ExpanderSpec] = [], simulation: SimulationSpec) {
        self.pwmOutputs = pwmOutputs
        self.expanders = expanders
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
