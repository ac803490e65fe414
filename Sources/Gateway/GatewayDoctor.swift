#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinux
import GPIO
import Logging
import MQTT
import Profiles
import Runtime
import SensorgateCore

/// `sensorgate doctor`: what a first install gets wrong, checked on this machine as the
/// user running it, each with how to fix it. Nothing is changed: lines are inspected, not
/// requested; buses opened and closed; the broker connected to once and left.
public struct GatewayDoctor {
    public let profile: Profile
    /// `--broker`, replacing the profile's brokers as `run` does.
    public let broker: BrokerURL?
    /// `--state-dir`, else `gateway.state_dir`.
    public let stateDirectory: String
    /// How long one broker gets to answer.
    public var brokerTimeout = Interval.seconds(10)

    public init(profile: Profile, broker: BrokerURL? = nil, stateDirectory: String? = nil) {
        self.profile = profile
        self.broker = broker
        self.stateDirectory = stateDirectory ?? profile.gateway.stateDirectory
    }

    /// Every check, in the order a person fixes them: the hardware, the state, the broker, the clock.
    public func run() -> [DoctorCheck] {
        var checks = gpioChecks()
        checks += i2cChecks()
        checks.append(stateDirectoryCheck())
        checks += brokerChecks()
        checks.append(clockCheck())
        return checks
    }

    // MARK: GPIO

    /// Every kernel line the profile uses (inputs, outputs, expanders' INT lines), by owner.
    private var kernelLines: [(owner: String, gpio: GPIOLineSpec)] {
        profile.inputs.filter { $0.gpio.expander == nil }.map { ("input '\($0.id)'", $0.gpio) }
            + profile.outputs.filter { $0.gpio.expander == nil }.map { ("output '\($0.id)'", $0.gpio) }
            + profile.expanders.compactMap { expander in expander.interrupt.map { ("expander '\(expander.id)' INT", $0) } }
    }

    private func gpioChecks() -> [DoctorCheck] {
        let lines = kernelLines
        guard !lines.isEmpty else { return [] }
        let provider: any GPIOChipProvider
        do {
            provider = try Libgpiod.chipProvider()
        } catch {
            return [DoctorCheck(.failed, "libgpiod", "\(error)", fix: "apt install libgpiod2 (Debian 12) or libgpiod3 (Debian 13)")]
        }
        let resolver = LineResolver(board: profile.gateway.board.flatMap(BoardPreset.named))
        var checks: [DoctorCheck] = []
        var opened: [String: any GPIOChip] = [:]
        var failedChips: Set<String> = []
        for (owner, gpio) in lines {
            let selector = resolver.chipSelectorText(for: gpio.chip)
            if failedChips.contains(selector) { continue }
            let found: (chip: any GPIOChip, offset: UInt32)
            do {
                found = try resolver.resolve(gpio) { selector throws(GPIOError) in
                    if let chip = opened[selector] { return chip }
                    let chip = try provider.openChip(selector)
                    opened[selector] = chip
                    checks.append(DoctorCheck(.ok, chip.name, "\(chip.label), \(chip.lineCount) lines, readable and writable"))
                    return chip
                }
            } catch {
                failedChips.insert(selector)
                checks.append(chipFailure(selector: selector, error: "\(error)"))
                continue
            }
            checks.append(lineCheck(owner: owner, chip: found.chip, offset: found.offset))
        }
        return checks
    }

    private func chipFailure(selector: String, error: String) -> DoctorCheck {
        if error.contains("ermission denied") {
            return DoctorCheck(.failed, selector, error, fix: "give this user the gpio group (sudo adduser $USER gpio, then log in again) or install the package's udev rules, which give /dev/gpiochip* to group gpio")
        }
        return DoctorCheck(.failed, selector, error, fix: "sensorgate gpio list shows the chips this kernel has; name one of them (or set gateway.board)")
    }

    private func lineCheck(owner: String, chip: any GPIOChip, offset: UInt32) -> DoctorCheck {
        let subject = "\(chip.name) line \(offset)"
        let info: GPIOLineInfo
        do {
            info = try chip.lineInfo(offset: offset)
        } catch {
            return DoctorCheck(.failed, subject, "\(owner): \(error)")
        }
        let name = info.name.map { " (\($0))" } ?? ""
        guard info.used else { return DoctorCheck(.ok, subject + name, "\(owner): free") }
        let consumer = info.consumer ?? "an unnamed consumer"
        if consumer.hasPrefix("sensorgate") {
            return DoctorCheck(.warning, subject + name, "\(owner): held by \(consumer), a running gateway",
                               fix: "stop it (systemctl stop sensorgate) before running a second one on these lines")
        }
        return DoctorCheck(.failed, subject + name, "\(owner): held by \(consumer)",
                           fix: "free the line: a device-tree overlay or another program owns it (sensorgate gpio list shows every consumer)")
    }

    // MARK: I2C

    private func i2cChecks() -> [DoctorCheck] {
        let buses = Set(profile.sensors.map(\.bus) + profile.expanders.map(\.bus)).sorted()
        return buses.map(busCheck)
    }

    private func busCheck(_ bus: Int) -> DoctorCheck {
        let path = "/dev/i2c-\(bus)"
        let fd = open(path, O_RDWR | O_CLOEXEC)
        if fd >= 0 {
            close(fd)
            return DoctorCheck(.ok, "i2c-\(bus)", "\(path) readable and writable")
        }
        let code = errno
        let reason = String(cString: strerror(code))
        if code == EACCES || code == EPERM {
            return DoctorCheck(.failed, "i2c-\(bus)", "\(path): \(reason)",
                               fix: "give this user the i2c group (sudo adduser $USER i2c, then log in again) or install the package's udev rules, which give /dev/i2c-* to group i2c")
        }
        if Self.isRaspberryPi {
            return DoctorCheck(.failed, "i2c-\(bus)", "\(path): \(reason)",
                               fix: "enable I2C: sudo raspi-config nonint do_i2c 0 (or dtparam=i2c_arm=on in /boot/firmware/config.txt) and reboot")
        }
        return DoctorCheck(.failed, "i2c-\(bus)", "\(path): \(reason)",
                           fix: "load the i2c-dev module (sudo modprobe i2c-dev; echo i2c-dev | sudo tee /etc/modules-load.d/i2c-dev.conf); sensorgate i2c list shows the buses")
    }

    static var isRaspberryPi: Bool {
        readTextFile("/proc/device-tree/model", limit: 256)?.contains("Raspberry Pi") ?? false
    }

    // MARK: State

    private func stateDirectoryCheck() -> DoctorCheck {
        let probe = stateDirectory + "/.sensorgate-doctor"
        do {
            try StateFile.makeDirectory(stateDirectory)
            try StateFile.replace(probe, with: Array("probe\n".utf8))
        } catch {
            return DoctorCheck(.failed, "state directory", "\(error)",
                               fix: "make \(stateDirectory) writable by this user, or set gateway.state_dir (the package's service uses /var/lib/sensorgate)")
        }
        unlink(probe)
        return DoctorCheck(.ok, "state directory", "\(stateDirectory) writable")
    }

    // MARK: Broker

    private func brokerChecks() -> [DoctorCheck] {
        let settings = profile.mqtt
        let password: String?
        do {
            password = try BrokerPassword.read(settings, logger: Logger(label: "doctor", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            return [DoctorCheck(.failed, "broker credentials", "\(error)")]
        }
        let brokers = broker.map { [$0] } ?? settings.brokers
        return brokers.map { tryBroker($0, settings: settings, password: password) }
    }

    /// Connects once on an event loop of its own and reports the first answer or failure.
    private func tryBroker(_ broker: BrokerURL, settings: MQTTSettings, password: String?) -> DoctorCheck {
        let subject = "broker \(broker)"
        var outcome: DoctorCheck?
        do {
            let loop = try EventLoop()
            let topics = TopicScheme(prefix: settings.topicPrefix)
            var configuration = GatewayRuntime.clientConfiguration(settings, broker: broker, failover: [], password: password,
                                                                   topics: topics)
            // A different client id: the check must not take over a running gateway's session.
            configuration.clientID += "-doctor"
            configuration.will = nil
            configuration.cleanSession = true
            let client = try MQTTClient(configuration: configuration, loop: loop,
                                        logger: Logger(label: "doctor", factory: { _ in SwiftLogNoOpLogHandler() }))
            let started = loop.now()
            client.onConnect = {
                let took = (loop.now() - started).readableDescription
                let user = settings.username.map { " as '\($0)'" } ?? ""
                outcome = DoctorCheck(.ok, subject, "connected\(user) in \(took)\(broker.tls ? " (TLS verified)" : "")")
                // Inside libmosquitto's callback: disconnect from the loop's next turn.
                _ = loop.schedule(after: .zero) { client.shutdown(timeout: .seconds(1), final: []) { loop.stop() } }
            }
            client.onDisconnect = { reason in
                guard outcome == nil else { return }
                outcome = DoctorCheck(.failed, subject, reason, fix: Self.brokerFix(reason))
                _ = loop.schedule(after: .zero) { client.shutdown(timeout: .zero, final: []) { loop.stop() } }
            }
            _ = loop.schedule(after: brokerTimeout) {
                if outcome == nil {
                    outcome = DoctorCheck(.failed, subject, "no answer within \(brokerTimeout.readableDescription)",
                                          fix: "check the host, the port and the firewall")
                }
                loop.stop()
            }
            client.start()
            loop.run()
        } catch {
            return DoctorCheck(.failed, subject, "\(error)")
        }
        return outcome ?? DoctorCheck(.failed, subject, "no answer")
    }

    static func brokerFix(_ reason: String) -> String {
        let lowered = reason.lowercased()
        if lowered.contains("not authori") || lowered.contains("bad user name or password") {
            return "check mqtt.username and the password in mqtt.password_file or mqtt.password_env"
        }
        if lowered.contains("refused") { return "is the broker running and listening on that port? (systemctl status mosquitto)" }
        if lowered.contains("tls") || lowered.contains("certificate") {
            return "check mqtt.tls (ca_file must hold the CA that signed the broker's certificate, for the host name in the URL)"
        }
        return "check mqtt.broker (host and port) and that the broker is running"
    }

    // MARK: Clock

    /// The kernel's NTP state: `ts` in every payload is the wall clock's.
    private func clockCheck() -> DoctorCheck {
        var state = timex()
        let result = adjtimex(&state)
        if result == -1 {
            return DoctorCheck(.warning, "clock", "cannot read the kernel's NTP state: \(String(cString: strerror(errno)))")
        }
        if result == TIME_ERROR || state.status & STA_UNSYNC != 0 {
            return DoctorCheck(.warning, "clock", "not synchronised: payload timestamps (ts) may be off; seq and the order of messages are not affected",
                               fix: "enable time synchronisation: sudo timedatectl set-ntp true (systemd-timesyncd), or chrony")
        }
        return DoctorCheck(.ok, "clock", "synchronised (kernel NTP state)")
    }
}
