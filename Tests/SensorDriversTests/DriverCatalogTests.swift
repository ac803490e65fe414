import Testing
import SensorDrivers
import SensorgateCore

@Suite("Driver catalog")
struct DriverCatalogTests {
    @Test("bme280 is listed with its address, interval and channels")
    func bme280() throws {
        let descriptor = try #require(DriverCatalog.descriptor(named: "bme280"))
        #expect(descriptor.part == "BME280")
        #expect(descriptor.defaultAddress == 0x76)
        #expect(descriptor.allowedAddresses == [0x76, 0x77])
        #expect(descriptor.defaultInterval == .seconds(5))
        #expect(descriptor.minimumInterval == .milliseconds(100))
        #expect(descriptor.channels == [
            ChannelDescriptor(name: "temperature", unit: "°C", deviceClass: "temperature", decimals: 2),
            ChannelDescriptor(name: "humidity", unit: "%", deviceClass: "humidity", decimals: 2),
            ChannelDescriptor(name: "pressure", unit: "hPa", deviceClass: "pressure", decimals: 2),
        ])
        #expect(descriptor.make() is BME280)
    }

    @Test("the minimum interval leaves room for the measurement")
    func minimumInterval() {
        let measurement = BME280.maximumMeasurementTime(temperature: .x1, pressure: .x1, humidity: .x1)
        #expect(BME280.descriptor.minimumInterval > measurement)
    }

    @Test("names are unique, lower-case part numbers", arguments: DriverCatalog.all.map(\.name))
    func names(name: String) throws {
        #expect(DriverCatalog.all.filter { $0.name == name }.count == 1)
        let descriptor = try #require(DriverCatalog.descriptor(named: name))
        #expect(descriptor.name == descriptor.part.lowercased())
        #expect(descriptor.allowedAddresses.contains(descriptor.defaultAddress))
    }

    @Test("unknown names find nothing", arguments: ["", "BME280", "bme28", "sht3x"])
    func unknown(name: String) {
        #expect(DriverCatalog.descriptor(named: name) == nil)
    }
}
