import Testing
import SensorDrivers
import SensorgateCore
import Simulation

@Suite("Simulated BME280")
struct SimulatedBME280Tests {
    let clock = ManualClock()

    func makePart(_ values: @escaping @Sendable (String) -> Double? = { _ in nil }) -> (SimulatedI2CBus, SimulatedBME280) {
        let bus = SimulatedI2CBus()
        let part = SimulatedBME280(clock: clock, values: values)
        bus.attach(part, at: 0x77)
        return (bus, part)
    }

    func measurement(_ bus: SimulatedI2CBus, _ part: SimulatedBME280) throws -> BME280.Measurement {
        let data = try bus.readBlock(address: 0x77, register: 0xF7, count: 8)
        return try BME280.decode(data: data, calibration: part.calibration)
    }

    @Test("register image: chip id, calibration, reset values")
    func registerImage() throws {
        let (bus, _) = makePart()
        #expect(try bus.readByteData(address: 0x77, register: 0xD0) == 0x60)
        let calib00 = try bus.readBlock(address: 0x77, register: 0x88, count: 26)
        let calib26 = try bus.readBlock(address: 0x77, register: 0xE1, count: 7)
        #expect(BME280.Calibration(calib00: calib00, calib26: calib26) == SimulatedBME280.referenceCalibration)
        #expect(Array(calib00.prefix(2)) == [0x70, 0x6B])   // dig_T1 = 27504
        #expect(try bus.readBlock(address: 0x77, register: 0xF2, count: 4) == [0, 0, 0, 0])
        #expect(try bus.readBlock(address: 0x77, register: 0xF7, count: 8) == [0x80, 0, 0, 0x80, 0, 0, 0x80, 0])
    }

    @Test("soft reset: im_update and blank calibration during the NVM copy, reset values after")
    func softReset() throws {
        let (bus, part) = makePart()
        part.nvmCopyTime = .milliseconds(2)
        try bus.writeByteData(address: 0x77, register: 0xF2, value: 0x03)
        try bus.writeByteData(address: 0x77, register: 0xE0, value: 0x12)   // not the reset value
        #expect(try bus.readByteData(address: 0x77, register: 0xF2) == 0x03)
        try bus.writeByteData(address: 0x77, register: 0xE0, value: 0xB6)
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x01)
        #expect(try bus.readBlock(address: 0x77, register: 0x88, count: 4) == [0, 0, 0, 0])
        #expect(try bus.readByteData(address: 0x77, register: 0xF2) == 0)
        clock.advance(by: .milliseconds(2))
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x00)
        #expect(try bus.readBlock(address: 0x77, register: 0x88, count: 2) == [0x70, 0x6B])
        #expect(try bus.readByteData(address: 0x77, register: 0xE0) == 0)
    }

    @Test("forced mode: measuring for the typical time, then data and back to sleep")
    func forcedMode() throws {
        let (bus, part) = makePart { channel in ["temperature": 30.5, "humidity": 40, "pressure": 990][channel] }
        try bus.writeByteData(address: 0x77, register: 0xF2, value: 0x01)
        try bus.writeByteData(address: 0x77, register: 0xF4, value: 0x25)
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x08)
        #expect(try bus.readBlock(address: 0x77, register: 0xF7, count: 8) == [0x80, 0, 0, 0x80, 0, 0, 0x80, 0])
        clock.advance(by: .microseconds(7_999))
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x08)
        clock.advance(by: .microseconds(1))
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x00)
        #expect(try bus.readByteData(address: 0x77, register: 0xF4) == 0x24)
        #expect(part.measurementCount == 1)
        let m = try measurement(bus, part)
        #expect(abs(m.temperature - 30.5) <= 0.006)
        #expect(abs(m.humidity - 40) <= 0.01)
        #expect(abs(m.pressure - 990) <= 0.005)
    }

    @Test("a burst write of register/value pairs starts a measurement, as on the real part")
    func pairWrite() throws {
        let (bus, part) = makePart()
        try bus.writeBlock(address: 0x77, register: 0xF2, bytes: [0x01, 0xF4, 0x25])
        clock.advance(by: .milliseconds(8))
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0)
        #expect(part.measurementCount == 1)
        #expect(abs(try measurement(bus, part).humidity - 50) <= 0.01)
    }

    @Test("skipped oversampling leaves the 'not measured' values", arguments: [
        (UInt8(0x00), UInt8(0x25), 6, [UInt8(0x80), 0]),       // osrs_h = 0: humidity skipped
        (0x01, 0x05, 3, [0x80, 0, 0]),                          // osrs_t = 0: temperature skipped
        (0x01, 0x21, 0, [0x80, 0, 0]),                          // osrs_p = 0: pressure skipped
    ])
    func skipped(ctrlHum: UInt8, ctrlMeas: UInt8, offset: Int, expected: [UInt8]) throws {
        let (bus, _) = makePart()
        try bus.writeByteData(address: 0x77, register: 0xF2, value: ctrlHum)
        try bus.writeByteData(address: 0x77, register: 0xF4, value: ctrlMeas)
        clock.advance(by: .milliseconds(20))
        let data = try bus.readBlock(address: 0x77, register: 0xF7, count: 8)
        #expect(Array(data[offset..<(offset + expected.count)]) == expected)
    }

    @Test("ctrl_hum takes effect only at the next ctrl_meas write")
    func ctrlHumLatched() throws {
        let (bus, _) = makePart()
        // Normal mode, no humidity, standby 10 ms (t_sb = 110).
        try bus.writeByteData(address: 0x77, register: 0xF5, value: 0xC0)
        try bus.writeByteData(address: 0x77, register: 0xF4, value: 0x27)
        clock.advance(by: .milliseconds(20))
        #expect(Array(try bus.readBlock(address: 0x77, register: 0xFD, count: 2)) == [0x80, 0x00])
        try bus.writeByteData(address: 0x77, register: 0xF2, value: 0x01)
        clock.advance(by: .milliseconds(40))
        #expect(Array(try bus.readBlock(address: 0x77, register: 0xFD, count: 2)) == [0x80, 0x00])
        try bus.writeByteData(address: 0x77, register: 0xF4, value: 0x27)
        clock.advance(by: .milliseconds(40))
        #expect(Array(try bus.readBlock(address: 0x77, register: 0xFD, count: 2)) != [0x80, 0x00])
    }

    @Test("normal mode measures every measurement time plus t_sb and follows the values")
    func normalMode() throws {
        let box = ValueBox(20)
        let (bus, part) = makePart { $0 == "temperature" ? box.value : nil }
        try bus.writeByteData(address: 0x77, register: 0xF2, value: 0x01)
        try bus.writeByteData(address: 0x77, register: 0xF5, value: 0x20)   // t_sb 62.5 ms
        try bus.writeByteData(address: 0x77, register: 0xF4, value: 0x27)   // x1, x1, normal
        // Cycle: 8 ms measuring + 62.5 ms standby = 70.5 ms; first result at 8 ms.
        clock.advance(by: .microseconds(7_000))
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x08)
        #expect(part.measurementCount == 0)
        clock.advance(by: .microseconds(1_000))
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x00)
        #expect(part.measurementCount == 1)
        #expect(abs(try measurement(bus, part).temperature - 20) <= 0.006)
        box.value = 26
        clock.advance(by: .microseconds(70_000))     // 78 ms: second result due at 78.5 ms
        #expect(abs(try measurement(bus, part).temperature - 20) <= 0.006)
        clock.advance(by: .microseconds(500))
        #expect(abs(try measurement(bus, part).temperature - 26) <= 0.006)
        #expect(part.measurementCount == 2)
        #expect(try bus.readByteData(address: 0x77, register: 0xF4) == 0x27)
        // Ten cycles nobody looked at still happened.
        clock.advance(by: .microseconds(70_500 * 10))
        _ = try bus.readByteData(address: 0x77, register: 0xF3)
        #expect(part.measurementCount == 12)
        // Sleep stops the cycle.
        try bus.writeByteData(address: 0x77, register: 0xF4, value: 0x24)
        clock.advance(by: .seconds(1))
        _ = try bus.readByteData(address: 0x77, register: 0xF3)
        #expect(part.measurementCount == 12)
    }

    @Test("a power cycle restores the reset state")
    func powerCycle() throws {
        let (bus, part) = makePart()
        try bus.writeByteData(address: 0x77, register: 0xF2, value: 0x01)
        try bus.writeByteData(address: 0x77, register: 0xF4, value: 0x25)
        clock.advance(by: .milliseconds(10))
        part.powerCycle()
        #expect(try bus.readByteData(address: 0x77, register: 0xF3) == 0x01)
        #expect(try bus.readBlock(address: 0x77, register: 0xF2, count: 4) == [0, 1, 0, 0])
        #expect(try bus.readBlock(address: 0x77, register: 0xF7, count: 8) == [0x80, 0, 0, 0x80, 0, 0, 0x80, 0])
    }

    @Test("writes to read-only registers are ignored")
    func readOnly() throws {
        let (bus, _) = makePart()
        try bus.writeByteData(address: 0x77, register: 0xD0, value: 0x58)
        try bus.writeByteData(address: 0x77, register: 0x88, value: 0)
        try bus.writeByteData(address: 0x77, register: 0xF7, value: 0)
        #expect(try bus.readByteData(address: 0x77, register: 0xD0) == 0x60)
        #expect(try bus.readByteData(address: 0x77, register: 0x88) == 0x70)
        #expect(try bus.readByteData(address: 0x77, register: 0xF7) == 0x80)
    }

    @Test("raw temperature inverts the compensation within its resolution",
          arguments: [-40.0, -17.3, 0, 0.01, 21, 25.08, 42.42, 85])
    func invertTemperature(celsius: Double) {
        let calibration = SimulatedBME280.referenceCalibration
        let (adc, tFine) = SimulatedBME280.rawTemperature(celsius: celsius, calibration: calibration)
        let result = BME280.compensateTemperature(adcT: Int32(adc), calibration: calibration)
        #expect(result.tFine == tFine)
        #expect(abs(Double(tFine) / 5120 - celsius) < 0.001)
        #expect(abs(Double(result.hundredthsCelsius) / 100 - celsius) <= 0.006)
        #expect(adc != 0x80000)
    }

    @Test("raw pressure and humidity invert the compensation within its resolution",
          arguments: [(300.0, 0.0), (612.5, 10.0), (1013.25, 50.0), (1100.0, 99.99), (950.0, 100.0)])
    func invertPressureHumidity(hectopascal: Double, percent: Double) {
        let calibration = SimulatedBME280.referenceCalibration
        for celsius in [-40.0, 21, 85] {
            let (_, tFine) = SimulatedBME280.rawTemperature(celsius: celsius, calibration: calibration)
            let adcP = SimulatedBME280.rawPressure(hectopascal: hectopascal, tFine: tFine, calibration: calibration)
            let adcH = SimulatedBME280.rawHumidity(percent: percent, tFine: tFine, calibration: calibration)
            let p = BME280.compensatePressure(adcP: Int32(adcP), tFine: tFine, calibration: calibration)
            let h = BME280.compensateHumidity(adcH: Int32(adcH), tFine: tFine, calibration: calibration)
            #expect(abs(Double(p) / 25_600 - hectopascal) <= 0.005, "p at \(celsius) °C")
            #expect(abs(Double(h) / 1024 - percent) <= 0.01, "h at \(celsius) °C")
            #expect(adcP != 0x80000 && adcH != 0x8000)
        }
    }

    @Test("values out of the ADC's reach give the nearest end, never a crash")
    func unreachable() {
        let calibration = SimulatedBME280.referenceCalibration
        let (hot, _) = SimulatedBME280.rawTemperature(celsius: 1e9, calibration: calibration)
        let (cold, _) = SimulatedBME280.rawTemperature(celsius: -1e9, calibration: calibration)
        #expect(hot == 0xFFFFF && cold == 0)
        #expect(SimulatedBME280.rawHumidity(percent: .nan, tFine: 128_422, calibration: calibration) <= 0xFFFF)
        #expect(SimulatedBME280.rawPressure(hectopascal: .infinity, tFine: 128_422, calibration: calibration) == 0)
    }
}

/// A value a test changes while the part reads it.
final class ValueBox: @unchecked Sendable {
    private let lock = Mutex()
    private var stored: Double
    init(_ value: Double) { stored = value }
    var value: Double {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
