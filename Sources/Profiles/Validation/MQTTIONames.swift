/// mqtt-io's names for what a profile calls otherwise: a profile written from an mqtt-io
/// habit gets the Sensorgate name at the key instead of a plain "unknown key".
enum MQTTIONames {
    static let whole = " (`sensorgate import mqtt-io CONFIG.yml` converts a whole mqtt-io configuration)"

    /// Top-level sections.
    static let root: [String: String] = [
        "digital_inputs": "mqtt-io's 'digital_inputs' are 'inputs' here" + whole,
        "digital_outputs": "mqtt-io's 'digital_outputs' are 'outputs' here" + whole,
        "sensor_inputs": "mqtt-io's 'sensor_inputs' are the channels of 'sensors' here (one sensor per part, with its channels)" + whole,
        "sensor_modules": "mqtt-io's 'sensor_modules' are 'sensors' here (driver, i2c: { bus, address })" + whole,
        "gpio_modules": "kernel GPIO needs no module here (inputs and outputs name gpio: { chip, line }); I2C GPIO expanders go in 'expanders'" + whole,
    ]

    /// Keys of the `mqtt` section.
    static let mqtt: [String: String] = [
        "host": "mqtt-io's 'host' and 'port' are one URL here: broker: mqtt://HOST:PORT (mqtts:// for TLS)",
        "port": "mqtt-io's 'host' and 'port' are one URL here: broker: mqtt://HOST:PORT (mqtts:// for TLS)",
        "user": "the user name is 'username' here",
        "clean_session": "use persistent_session (its opposite: persistent_session: true is clean_session: false)",
        "ha_discovery": "Home Assistant discovery is home_assistant: { discovery: true } here",
        "status_topic": "the status topic is always <prefix>/status ('online', 'offline')",
    ]
}
