#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import MQTT
import Profiles

/// The broker password: from the file `mqtt.password_file` names or the environment
/// variable `mqtt.password_env` names, never from the profile or the command line (both
/// end up in logs, shells' histories and `/proc/PID/cmdline`). Only the password's
/// source is ever named in a message, never its text.
enum BrokerPassword {
    static func read(_ settings: MQTTSettings, logger: Logger) throws(GatewayError) -> String? {
        if let file = settings.passwordFile {
            let secret: PasswordFile
            do { secret = try PasswordFile.read(file) } catch { throw GatewayError(error.description) }
            if let warning = secret.warning { logger.warning("\(warning)") }
            return secret.password
        }
        if let name = settings.passwordEnvironment {
            guard let value = getenv(name) else {
                throw GatewayError("the MQTT password comes from the environment variable \(name) (mqtt.password_env), which is not set")
            }
            let password = String(cString: value)
            guard !password.isEmpty else {
                throw GatewayError("the MQTT password comes from the environment variable \(name) (mqtt.password_env), which is empty")
            }
            return password
        }
        return nil
    }
}
