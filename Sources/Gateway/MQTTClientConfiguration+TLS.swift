import MQTT
import Profiles

extension MQTTClientConfiguration.TLS {
    /// The client's TLS settings from the profile's `mqtt.tls` (none: the system's CAs).
    init(_ settings: TLSSettings?) {
        self.init(caFile: settings?.caFile, certFile: settings?.certFile, keyFile: settings?.keyFile,
                  caPath: settings?.caPath, insecure: settings?.insecure ?? false)
    }
}
