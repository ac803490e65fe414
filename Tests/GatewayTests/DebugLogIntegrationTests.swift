import Foundation
import Testing

/// `--log-level debug` shows what a person debugging needs: each poll's raw reading, each
/// command received and its effect, each reconnect decision (real binary, real mosquitto).
@Suite("Debug log (real binary, real mosquitto)")
struct DebugLogIntegrationTests {
    @Test("raw readings, commands with their effect, and reconnect decisions at debug level; none of it at info")
    func debugLines() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("debuglog")
        let prefix = "sensorgate/\(id)"
        let profile = directory.appendingPathComponent("\(id).yaml")
        try """
        gateway:
          id: \(id)
        sensors:
          - id: climate
            driver: bme280
            i2c: { bus: 1, address: 0x76 }
            interval: 200ms
        outputs:
          - id: fan
            gpio: { line: 22 }
        """.write(to: profile, atomically: true, encoding: .utf8)
        let states = try Subscriber(topic: "\(prefix)/fan")
        try states.waitUntilSubscribed(probeTopic: "\(prefix)/fan")
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state"),
                                             extra: ["--simulate", "--log-level", "DEBUG"])
        defer { _ = gateway.stop() }
        #expect(gateway.waitForLog(timeout: 15) { $0.contains("sensor 'climate' read temperature ") }, "\(gateway.log)")
        let read = gateway.log.split(separator: "\n").first { $0.contains("sensor 'climate' read ") } ?? ""
        #expect(read.contains(" °C, humidity ") && read.contains(" %, pressure ") && read.hasSuffix(" hPa"), "\(read)")

        // A command sent before the gateway subscribed is lost (not retained): resend.
        var acted = false
        for _ in 0..<40 where !acted {
            try publish("\(prefix)/fan/set", "ON")
            acted = gateway.waitForLog(timeout: 0.5) { $0.contains("command 'ON' on \(prefix)/fan/set: output 'fan' on (was off)") }
        }
        #expect(acted, "\(gateway.log)")
        try publish("\(prefix)/fan/set", "{\"value\": false, \"pulse\": \"300ms\"}")
        #expect(gateway.waitForLog(timeout: 5) { $0.contains("output 'fan' off (was on) for 300ms, then back") }, "\(gateway.log)")
        #expect(gateway.waitForLog(timeout: 5) { $0.contains("output 'fan' back on after its pulse") }, "\(gateway.log)")
        #expect(gateway.stop() == 0)

        // Without a broker: each retry's decision.
        let offline = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state2"),
                                             broker: "mqtt://127.0.0.1:1", extra: ["--simulate", "--log-level", "debug"])
        defer { _ = offline.stop() }
        #expect(offline.waitForLog(timeout: 10) { $0.contains("reconnect decision: attempt 1 to mqtt://127.0.0.1:1 after ") }, "\(offline.log)")
        #expect(offline.log.contains("(full jitter)"), "\(offline.log)")
        _ = offline.stop()

        let quiet = try GatewayProcess.run(profile: profile, stateDirectory: directory.appendingPathComponent("state3"))
        defer { _ = quiet.stop() }
        #expect(quiet.waitForLog(timeout: 10) { $0.contains("connected to") }, "\(quiet.log)")
        usleep(600_000)
        #expect(!quiet.log.contains("sensor 'climate' read"), "raw readings only at debug level")
    }
}
