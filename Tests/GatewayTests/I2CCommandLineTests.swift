import Foundation
import Testing

/// `sensorgate i2c scan` and `i2c list` as a user runs them: arguments and exit codes.
/// The bus itself is exercised by the kernel-level case `i2c-scan` (i2c-stub).
@Suite("I2C command line (scan, list)")
struct I2CCommandLineTests {
    @Test("scan: the bus by argument or --bus; both and different, or neither, is a usage error (exit 2)")
    func scanUsage() throws {
        let twice = try run(TestEnvironment.binary, ["i2c", "scan", "1", "--bus", "2"])
        #expect(twice.status == 2)
        #expect(twice.error.contains("1 and --bus 2"), "\(twice.error)")
        let none = try run(TestEnvironment.binary, ["i2c", "scan"])
        #expect(none.status == 2)
        #expect(none.error.contains("name the bus"), "\(none.error)")
        let word = try run(TestEnvironment.binary, ["i2c", "scan", "one"])
        #expect(word.status == 2)
    }

    @Test("scan of a missing adapter: exit 1 naming /dev/i2c-N, however the bus was given", arguments: [
        ["97"], ["--bus", "97"], ["97", "--bus", "97"],
    ])
    func scanMissingAdapter(arguments: [String]) throws {
        let result = try run(TestEnvironment.binary, ["i2c", "scan"] + arguments)
        #expect(result.status == 1)
        #expect(result.error.contains("/dev/i2c-97"), "\(result.error)")
        #expect(result.output.isEmpty)
    }

    @Test("list exits 0, with a line per adapter or JSON")
    func list() throws {
        let text = try run(TestEnvironment.binary, ["i2c", "list"])
        #expect(text.status == 0, "\(text.error)")
        for line in text.output.split(separator: "\n") {
            #expect(line.hasPrefix("i2c-") && line.split(separator: "\t").count == 4, "\(line)")
        }
        let json = try run(TestEnvironment.binary, ["i2c", "list", "--json"])
        #expect(json.status == 0)
        #expect(json.output.hasPrefix("["), "\(json.output)")
        let parsed = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]]
        #expect(parsed?.count == text.output.split(separator: "\n").count)
    }
}
