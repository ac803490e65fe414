import SensorDrivers
import SensorgateCore

/// A Sensirion SCD40/SCD41 at the command level: idle and the two periodic modes, with
/// their timing.
///
/// It starts idle, as after power-up. A started mode completes a sample every 5 s
/// (periodic) or 30 s (low-power) after its start; the part keeps only the newest, which
/// read_measurement empties (a read with nothing waiting is not acknowledged, section
/// 3.5.2) and get_data_ready_status reports (section 3.8.2). A sample asks `values` for
/// `co2` (ppm), `temperature` (°C) and `humidity` (%) (nil means 600 ppm, 21 °C and 50 %)
/// when it is read out. stop_periodic_measurement makes the part deaf for its 500 ms;
/// replies are readable after the 1 ms execution time. Commands the datasheet allows only
/// in idle mode are not acknowledged while measuring, nor is an argument word with a wrong
/// CRC. Not modelled: calibration, self test, EEPROM, the SCD41's single shot and power down.
public final class SimulatedSCD4x: SimulatedSensirionPart, @unchecked Sendable {
    /// What get_serial_number returns, as 3 words.
    public let serialNumber: [UInt16]

    private var measuring: (mode: SCD4x.Mode, since: Timestamp)?
    /// Samples of the current mode read out so far (by their index since the start).
    private var samplesTaken = 0
    private var deafUntil = Timestamp(nanoseconds: 0)
    private var altitudeSetting = 0
    private var pressureSetting: Int?

    public init(serialNumber: [UInt16] = [0xF896, 0x9F07, 0x3BB5], clock: any MonotonicClock = SystemClock(),
                values: @escaping @Sendable (String) -> Double?) {
        self.serialNumber = serialNumber
        super.init(clock: clock, values: values)
    }

    /// The mode the part measures in, or nil when idle.
    public var mode: SCD4x.Mode? { lock.withLock { measuring?.mode } }
    /// The altitude last set, in metres (0 after power-up).
    public var altitude: Int { lock.withLock { altitudeSetting } }
    /// The ambient pressure last set, in hPa, or nil.
    public var ambientPressure: Int? { lock.withLock { pressureSetting } }

    /// How many samples the running mode has completed by `now`.
    private func completedSamples(now: Timestamp) -> Int {
        guard let measuring, now >= measuring.since else { return 0 }
        return Int((now - measuring.since).nanoseconds / measuring.mode.period.nanoseconds)
    }

    private func hasNewSample(now: Timestamp) -> Bool { completedSamples(now: now) > samplesTaken }

    override func respond(to bytes: [UInt8], now: Timestamp) -> Response {
        guard now >= deafUntil, bytes.count == 2 || bytes.count == 5 else { return .refused }
        let command = RegisterBytes.uint16BE(bytes[0], bytes[1])
        var argument: UInt16?
        if bytes.count == 5 {
            guard SensirionWords.crc(Array(bytes[2...3])) == bytes[4] else { return .refused }
            argument = RegisterBytes.uint16BE(bytes[2], bytes[3])
        }
        let idle = measuring == nil
        switch (command, argument) {
        case (SCD4x.Command.stopPeriodicMeasurement, nil):
            measuring = nil
            deafUntil = now + SCD4x.stopTime
            return .accepted
        case (SCD4x.Command.startPeriodicMeasurement, nil) where idle:
            start(.periodic, now: now)
            return .accepted
        case (SCD4x.Command.startLowPowerPeriodicMeasurement, nil) where idle:
            start(.lowPower, now: now)
            return .accepted
        case (SCD4x.Command.getDataReadyStatus, nil):
            // Sensirion leaves the upper bits unspecified; the part sets some of them.
            let status: UInt16 = hasNewSample(now: now) ? 0x8006 : 0x8000
            return .reply([status], after: SCD4x.commandTime)
        case (SCD4x.Command.readMeasurement, nil):
            guard hasNewSample(now: now) else { return .accepted } // nothing to read: the read NACKs
            samplesTaken = completedSamples(now: now)
            let ppm = value("co2", fallback: 600)
            let celsius = value("temperature", fallback: 21)
            let percent = value("humidity", fallback: 50)
            let co2 = UInt16(min(max(ppm.isFinite ? ppm.rounded() : 0, 0), 65535))
            return .reply([co2, Self.raw(fraction: (celsius + 45) / 175), Self.raw(fraction: percent / 100)],
                          after: SCD4x.commandTime)
        case (SCD4x.Command.getSerialNumber, nil) where idle:
            return .reply(serialNumber, after: SCD4x.commandTime)
        case (SCD4x.Command.setSensorAltitude, let metres?) where idle:
            altitudeSetting = Int(metres)
            return .accepted
        case (SCD4x.Command.setAmbientPressure, let hectopascals?):
            pressureSetting = Int(hectopascals)
            return .accepted
        default:
            return .refused
        }
    }

    private func start(_ mode: SCD4x.Mode, now: Timestamp) {
        measuring = (mode, now)
        samplesTaken = 0
    }
}
