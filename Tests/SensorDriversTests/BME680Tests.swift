import SensorDrivers
import SensorgateCore
import Simulation
import Testing

/// A BME680 driver on a simulated bus with a simulated part at 0x76, on a manual clock.
private struct BME680Rig {
    let clock = ManualClock()
    let bus = SimulatedI2CBus(number: 1)
    let values: PhysicalValues
    let device: SimulatedBME680
    let recorder: SleepRecorder
    let driver: BME680
    let address: UInt8 = 0x76

    init(values: [String: Double] = [:], chipID: UInt8 = BME680.chipID, variantID: UInt8 = BME680.variantID,
         heaterTemperature: Int = 320, heaterDuration: Interval = .milliseconds(150)) {
        self.values = PhysicalValues(values)
        device = SimulatedBME680(chipID: chipID, variantID: variantID, clock: clock, values: self.values.provider)
        recorder = SleepRecorder(clock: clock)
        driver = BME680(heaterTemperature: heaterTemperature, heaterDuration: heaterDuration, sleep: recorder.sleeper)
        bus.attach(device, at: address)
    }
}

@Suite("BME680 driver on the simulated bus")
struct BME680Tests {
    @Test("setUp: checks the ids, resets, reads three calibration blocks, sets oversampling and heater set-point 0")
    func setUpTransactions() throws {
        let rig = BME680Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "readByteData 0xd0 -> 1",
            "readByteData 0xf0 -> 1",
            "writeByteData 0xe0 0xb6",
            "readBlock 0x8a -> 23",
            "readBlock 0xe1 -> 14",
            "readBlock 0x00 -> 5",
            "writeByteData 0x72 0x01",   // ctrl_hum: osrs_h x1
            "writeByteData 0x74 0x54",   // ctrl_meas: osrs_t x2, osrs_p x16, sleep
            "writeByteData 0x75 0x00",   // config: filter off
            "writeByteData 0x5a 0x75",   // res_heat_0: 117 for 320 °C at 25 °C (see heaterResistance below)
            "writeByteData 0x64 0x66",   // gas_wait_0: 38 × 4 ms = 152 ms
            "writeByteData 0x71 0x10",   // ctrl_gas_1: run_gas, nb_conv 0
        ])
        #expect(rig.recorder.sleeps == [.milliseconds(10)])
        #expect(rig.driver.currentCalibration == SimulatedBME680.referenceCalibration)
        #expect(rig.device.heaterSetPoint0 == (0x75, 0x66, 0x10))
    }

    @Test("read: ctrl_hum, forced ctrl_meas, waits the TPH time plus the heater time, checks new_data_0, burst-reads 13 bytes")
    func readTransactions() throws {
        let rig = BME680Rig()
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(summary(rig.bus.log) == [
            "writeByteData 0x72 0x01",
            "writeByteData 0x74 0x55",
            "readByteData 0x1d -> 1",
            "readBlock 0x1f -> 13",
        ])
        // 19 samples × 1.963 ms + 9 × 0.477 ms + 1 ms = 42.59 ms, then 152 ms of heater.
        #expect(rig.recorder.sleeps == [.milliseconds(10), .microseconds(42_590 + 152_000)])
        #expect(rig.device.measurementCount == 1)
        #expect(values.count == BME680.descriptor.channels.count)
        #expect(rig.device.readRegister(BME680.Register.ctrlMeas) & 0b11 == 0, "back in sleep mode")
    }

    @Test("the options set res_heat_0 and gas_wait_0", arguments: [
        (200, 1, UInt8(86), UInt8(0x01)), (400, 4032, UInt8(137), UInt8(0xFF)), (320, 64, UInt8(117), UInt8(0x50)),
        (250, 253, UInt8(99), UInt8(0x90)),
    ])
    func heaterOptions(temperature: Int, milliseconds: Int, resHeat: UInt8, gasWait: UInt8) throws {
        let options = DriverOptions(["heater_temperature": .integer(temperature),
                                     "heater_duration": .duration(.milliseconds(milliseconds))])
        let driver = try #require(BME680.descriptor.make(options) as? BME680)
        #expect(driver.heaterTemperature == temperature)
        #expect(driver.gasWaitSetting == gasWait)
        let rig = BME680Rig(heaterTemperature: temperature, heaterDuration: .milliseconds(milliseconds))
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(rig.device.heaterSetPoint0 == (resHeat, gasWait, 0x10))
    }

    @Test("gas_wait encoding: the smallest factor that holds the time, the count rounded up")
    func gasWaitEncoding() {
        #expect(BME680.gasWait(milliseconds: 1) == 0x01)
        #expect(BME680.gasWait(milliseconds: 63) == 0x3F)
        #expect(BME680.gasWait(milliseconds: 64) == 0x50)       // 16 × 4
        #expect(BME680.gasWait(milliseconds: 150) == 0x66)      // 38 × 4 = 152
        #expect(BME680.gasWait(milliseconds: 252) == 0x7F)      // 63 × 4
        #expect(BME680.gasWait(milliseconds: 253) == 0x90)      // 16 × 16 = 256
        #expect(BME680.gasWait(milliseconds: 4032) == 0xFF)     // 63 × 64
        #expect(BME680.gasWait(milliseconds: 9000) == 0xFF)
        #expect(BME680.gasWaitMilliseconds(0x66) == 152)
        #expect(BME680.gasWaitMilliseconds(0xFF) == 4032)
        #expect(BME680(heaterDuration: .microseconds(1_500)).heaterDuration == .milliseconds(2), "rounded up")
    }

    /// Bosch publishes no worked example for the BME680, so these values are computed by
    /// hand from the datasheet's integer formulas (sections 3.3.1-3.3.3, 3.4.1) with the
    /// simulated part's calibration image:
    ///
    /// Temperature, temp_adc 500000 (par_t1 25827, par_t2 26204, par_t3 3):
    ///   var1 = (500000 >> 3) − (25827 << 1) = 62500 − 51654 = 10846
    ///   var2 = (10846 · 26204) >> 11 = 138773
    ///   var3 = ((((5423 · 5423) >> 12) · (3 << 4)) >> 14 = (7180 · 48) >> 14 = 21
    ///   t_fine = 138794, temp_comp = (138794 · 5 + 128) >> 8 = 2711 → 27.11 °C
    ///   (the floating-point formula gives 27.108 °C).
    /// Pressure, press_adc 350000 (par_p1...p10 35877, −10296, 88, 6716, −126, 30, 35, −1497, −2929, 30):
    ///   var1 = (138794 >> 1) − 64000 = 5397; var2 → 439801430; var1 → ((32768 + var1) · 35877) >> 15 = 35760
    ///   press_comp = ((1048576 − 350000) − (439801430 >> 12)) · 3125 = 1847509375 ≥ 2^30,
    ///   so (1847509375 / 35760) << 1 = 103328; + (var1 + var2 + var3 + (35 << 7)) >> 4 → 103339 Pa
    ///   → 1033.39 hPa.
    /// Humidity, hum_adc 25000 (par_h1...h7 765, 1020, 0, 45, 20, 120, −100), temp_scaled 2711:
    ///   var1 = 25000 − (765 << 4) − 0 = 12760; var2 = (1020 · (1219 + 16 + 16384)) >> 10 = 17762
    ///   var3 = 226643120; var4 = ((120 << 7) − 2711) >> 4 = 790; var5 = (13833² >> 10) = 186867
    ///   var6 = (790 · 186867) >> 1 = 73812465
    ///   hum_comp = (((226643120 + 73812465) >> 10) · 1000) >> 12 = 71634 → 71.634 %RH.
    /// Gas, gas_adc 640, gas_range 7, range_switching_error 1:
    ///   var1 = ((1340 + 5) · 2130303777) >> 16 = 43720376
    ///   var2 = (640 << 15) − 16777216 + 43720376 = 47914680
    ///   var3 = (32258064 · 43720376) >> 9 = 2754559935765
    ///   gas_res = (var3 + (var2 >> 1)) / var2 = 57489 Ω
    ///   (the floating-point formula: 1345 · 0.992 · 63004.03226 / (640 − 512 + 1345 · 0.992) = 57488.85 Ω).
    static let referenceData: [UInt8] = [
        0x55, 0x73, 0x00,   // press_msb, press_lsb, press_xlsb: 350000
        0x7A, 0x12, 0x00,   // temp: 500000
        0x61, 0xA8,         // hum: 25000
        0x00, 0x00, 0x00,   // reserved
        0xA0, 0x37,         // gas_r 640 (0xA0 << 2 | 0b00), gas_valid_r, heat_stab_r, gas_range_r 7
    ]

    @Test("the hand computation from the datasheet's formulas, bit for bit")
    func referenceCalculation() throws {
        let calibration = SimulatedBME680.referenceCalibration
        let (hundredths, tFine) = BME680.compensateTemperature(adcT: 500_000, calibration: calibration)
        #expect(tFine == 138_794)
        #expect(hundredths == 2711)
        #expect(BME680.compensatePressure(adcP: 350_000, tFine: tFine, calibration: calibration) == 103_339)
        #expect(BME680.compensateHumidity(adcH: 25_000, tFine: tFine, calibration: calibration) == 71_634)
        #expect(BME680.gasResistance(adc: 640, range: 7, calibration: calibration) == 57_489)

        let measurement = try BME680.decode(data: Self.referenceData, calibration: calibration)
        #expect(measurement == BME680.Measurement(temperature: 27.11, humidity: 71.634, pressure: 1033.39,
                                                  gasResistance: 57_489))
    }

    /// The datasheet's floating-point heater formula (section 3.3.5) with par_g1 −30,
    /// par_g2 −12000, par_g3 18, res_heat_range 1, res_heat_val 40, 320 °C at 25 °C:
    ///   var1 = −30/16 + 49 = 47.125; var2 = (−12000/32768) · 0.0005 + 0.00235 = 0.0021669
    ///   var3 = 18/1024 = 0.0175781; var4 = 47.125 · (1 + 0.0021669 · 320) = 79.80177
    ///   var5 = 79.80177 + 0.0175781 · 25 = 80.24122
    ///   res_heat = 3.4 · (80.24122 · 4/5 · 1/1.08 − 25) = 117.089 → 117.
    @Test("heaterResistance: the datasheet's formula by hand")
    func heaterResistance() {
        let calibration = SimulatedBME680.referenceCalibration
        #expect(BME680.heaterResistance(target: 320, ambient: 25, calibration: calibration) == 117)
        #expect(BME680.heaterResistance(target: 200, ambient: 25, calibration: calibration) == 86)
        #expect(BME680.heaterResistance(target: 400, ambient: 25, calibration: calibration) == 137)
        #expect(BME680.heaterResistance(target: 320, ambient: -40, calibration: calibration) == 114,
                "a colder ambient asks for less heater resistance")
    }

    @Test("the calibration blocks parse as the datasheet lays them out, signs included")
    func calibrationLayout() throws {
        let reference = SimulatedBME680.referenceCalibration
        let blocks = reference.blocks
        #expect(BME680.Calibration(coeff1: blocks.coeff1, coeff2: blocks.coeff2, coeff3: blocks.coeff3) == reference)
        // par_t1 at 0xE9/0xEA little-endian, par_h1/par_h2 sharing 0xE2, range_sw_err in 0x04<7:4>.
        #expect(Array(blocks.coeff2[8...9]) == [0xE3, 0x64])          // 25827
        #expect(Array(blocks.coeff2[0...2]) == [0x3F, 0xCD, 0x2F])    // par_h2 1020 = 0x3FC, par_h1 765 = 0x2FD
        var coeff3 = blocks.coeff3
        coeff3[4] = 0xF3   // upper nibble 1111: −1; the lower nibble belongs to something else
        coeff3[2] = 0xEF   // res_heat_range is bits 5:4 only: 0b10
        let parsed = try #require(BME680.Calibration(coeff1: blocks.coeff1, coeff2: blocks.coeff2, coeff3: coeff3))
        #expect(parsed.rangeSwitchingError == -1)
        #expect(parsed.resHeatRange == 2)
        #expect(BME680.Calibration(coeff1: blocks.coeff1, coeff2: [], coeff3: coeff3) == nil)
    }

    @Test("values read back equal the physical values within resolution", arguments: [
        (-40.0, 0.0, 300.0, 1_000_000.0), (-5.5, 12.5, 550.5, 200_000.0), (21.0, 50.0, 1013.25, 57_489.0),
        (27.11, 71.634, 1033.39, 12_000.0), (60.0, 99.9, 1100.0, 3_000.0), (85.0, 100.0, 987.65, 150_000.0),
    ])
    func sweep(temperature: Double, humidity: Double, pressure: Double, gas: Double) throws {
        let rig = BME680Rig(values: ["temperature": temperature, "humidity": humidity, "pressure": pressure,
                                     "gas_resistance": gas])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(abs(values[0] - temperature) <= 0.006, "temperature \(values[0])")
        #expect(abs(values[1] - humidity) <= 0.01, "humidity \(values[1])")
        #expect(abs(values[2] - pressure) <= 0.01, "pressure \(values[2])")
        // Steps of the 10-bit gas ADC: well under 1 % in the range the part picks.
        #expect(abs(values[3] - gas) <= gas * 0.01, "gas resistance \(values[3])")
    }

    @Test("a heater that did not reach its target: no gas value (NaN), the other channels still read")
    func heaterNotStable() throws {
        let rig = BME680Rig(values: ["temperature": 22.5])
        rig.device.heaterSettlingTime = .milliseconds(500)   // longer than the 152 ms heater-on time
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        let values = try rig.driver.read(bus: rig.bus, address: rig.address)
        #expect(values.count == 4)
        #expect(abs(values[0] - 22.5) <= 0.006)
        #expect(values[3].isNaN)
        let gasLSB = rig.device.readRegister(BME680.Register.gasRLSB)
        #expect(gasLSB & BME680.GasBit.gasValid != 0 && gasLSB & BME680.GasBit.heatStab == 0)
    }

    @Test("a dummy gas slot (gas_valid_r clear) has no gas value either")
    func gasNotValid() throws {
        var data = Self.referenceData
        data[12] &= ~BME680.GasBit.gasValid
        let measurement = try BME680.decode(data: data, calibration: SimulatedBME680.referenceCalibration)
        #expect(measurement.gasResistance.isNaN)
        #expect(measurement.temperature == 27.11)
    }

    @Test("a wrong chip id fails setUp with a diagnosis", arguments: [
        (UInt8(0x60), "BME280"), (UInt8(0x58), "BMP280"), (UInt8(0xFF), "floating bus"),
    ])
    func wrongChipID(id: UInt8, mentions: String) throws {
        let rig = BME680Rig(chipID: id)
        do {
            try rig.driver.setUp(bus: rig.bus, address: rig.address)
            Issue.record("setUp accepted chip id \(id)")
        } catch {
            #expect(error.code == .invalidReply)
            #expect(error.description.contains(mentions), "\(error)")
        }
        #expect(rig.bus.log.count == 1, "nothing written to a part that is not a BME680")
    }

    @Test("a BME688 (variant id 0x01) is refused: another gas formula")
    func bme688Refused() throws {
        let rig = BME680Rig(variantID: 0x01)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .invalidReply)
        #expect(rig.bus.log.allSatisfy { !$0.isRegisterWrite })
    }

    @Test("a NACK in setUp or read is a failed reading; the next read sets up again")
    func nack() throws {
        let rig = BME680Rig()
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .nack)
        #expect(rig.driver.currentCalibration == nil)
        _ = try rig.driver.read(bus: rig.bus, address: rig.address)   // runs setUp first
        #expect(rig.driver.currentCalibration != nil)
        rig.bus.nackNext(1)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .nack)
    }

    @Test("no new_data_0 after the cycle and ten polls is a timeout")
    func noNewData() throws {
        let rig = BME680Rig()
        let stuck = OverridingDevice(rig.device, overrides: [BME680.Register.measStatus0: BME680.StatusBit.measuring])
        rig.bus.attach(stuck, at: rig.address)
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        rig.bus.clearLog()
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .timeout)
        #expect(rig.bus.log.filter { $0.written == [BME680.Register.measStatus0] }.count == BME680.measurementPolls)
    }

    @Test("implausible values are refused", arguments: [
        ("temperature", 90.0), ("temperature", -45.0), ("pressure", 1150.0), ("pressure", 250.0),
    ])
    func implausible(channel: String, value: Double) throws {
        let rig = BME680Rig(values: [channel: value])
        try rig.driver.setUp(bus: rig.bus, address: rig.address)
        #expect(failureCode { try rig.driver.read(bus: rig.bus, address: rig.address) } == .invalidReply)
    }

    @Test("a data block still at its reset value (a part reset under way) is refused")
    func skipped() throws {
        let reset: [UInt8] = [0x80, 0, 0, 0x80, 0, 0, 0x80, 0, 0, 0, 0, 0, 0]
        #expect(throws: BME680.DecodeFailure.skipped(channel: "temperature", raw: 0x80000)) {
            try BME680.decode(data: reset, calibration: SimulatedBME680.referenceCalibration)
        }
        #expect(throws: BME680.DecodeFailure.wrongLength(8, expected: 13)) {
            try BME680.decode(data: Array(reset.prefix(8)), calibration: SimulatedBME680.referenceCalibration)
        }
    }

    @Test("a calibration of all 0x00 (no NVM, a bus without the part) fails setUp")
    func blankCalibration() throws {
        let rig = BME680Rig()
        var zeros: [UInt8: UInt8] = [:]
        for register in UInt8(0x8A)...0xA0 { zeros[register] = 0 }
        for register in UInt8(0xE1)...0xEE { zeros[register] = 0 }
        rig.bus.attach(OverridingDevice(rig.device, overrides: zeros), at: rig.address)
        #expect(failureCode { try rig.driver.setUp(bus: rig.bus, address: rig.address) } == .invalidReply)
    }
}
