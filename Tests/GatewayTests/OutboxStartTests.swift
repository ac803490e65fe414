import Foundation
import Testing
@testable import Gateway
import Profiles

/// Where the outbox lives, and starts that fail: no number is consumed by a gateway
/// that never published.
@Suite("Outbox location and failed starts")
struct OutboxStartTests {
    @Test("path, else --state-dir, else systemd's first STATE_DIRECTORY, else gateway.state_dir")
    func location() {
        let explicit = OutboxSettings(path: "/data/x.outbox")
        #expect(GatewayRuntime.outboxPath(explicit, gatewayID: "gw", stateDirectory: "/s", stateDirectoryFromCommandLine: true,
                                          environment: "/run/a") == "/data/x.outbox")
        let settings = OutboxSettings()
        #expect(GatewayRuntime.outboxPath(settings, gatewayID: "gw", stateDirectory: "/cli", stateDirectoryFromCommandLine: true,
                                          environment: "/var/lib/a:/var/lib/b") == "/cli/gw.outbox")
        #expect(GatewayRuntime.outboxPath(settings, gatewayID: "gw", stateDirectory: "/profile", stateDirectoryFromCommandLine: false,
                                          environment: "/var/lib/a:/var/lib/b") == "/var/lib/a/gw.outbox")
        #expect(GatewayRuntime.outboxPath(settings, gatewayID: "gw", stateDirectory: "/profile", stateDirectoryFromCommandLine: false,
                                          environment: nil) == "/profile/gw.outbox")
    }

    @Test("an outbox file that is not a database stops the start with what to do")
    func corruptOutbox() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("corrupt")
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let outbox = state.appendingPathComponent("\(id).outbox")
        try Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }).write(to: outbox)
        let profile = directory.appendingPathComponent("\(id).yaml")
        try "gateway: { id: \(id) }\nmqtt: { outbox: {} }\ninputs:\n  - { id: door, gpio: { line: 17 } }\n"
            .write(to: profile, atomically: true, encoding: .utf8)
        let gateway = try GatewayProcess.run(profile: profile, stateDirectory: state)
        #expect(gateway.waitForExit(timeout: 15) == 1, "\(gateway.log)")
        #expect(gateway.log.contains("file is not a database") && gateway.log.contains("move \(outbox.path)"), "\(gateway.log)")
        #expect(try Data(contentsOf: outbox).count == 8_192, "the damaged file is left as it was")
    }

    /// A profile whose start fails after the state is opened: its input names a chip no machine has.
    func failingProfile(id: String, outbox: Bool, in directory: URL) throws -> URL {
        let text = """
            gateway:
              id: \(id)
            mqtt:
              qos: 1
            \(outbox ? "  outbox: {}" : "")
            inputs:
              - id: door
                gpio: { chip: gpiochip97, line: 17 }

            """
        let file = directory.appendingPathComponent("\(id).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("a failed start consumes no seq, with or without an outbox", arguments: [false, true])
    func failedStartKeepsTheCounter(outbox: Bool) throws {
        let directory = TestEnvironment.temporaryDirectory()
        let id = TestEnvironment.uniqueID("failstart")
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let counter = state.appendingPathComponent("\(id).seq")
        try "100\n".write(to: counter, atomically: true, encoding: .utf8)
        let profile = try failingProfile(id: id, outbox: outbox, in: directory)
        for attempt in 1...2 {
            // Not --simulate: the kernel's GPIO, where the chip does not exist.
            let gateway = try GatewayProcess.run(profile: profile, stateDirectory: state, extra: [])
            #expect(gateway.waitForExit(timeout: 15) == 1, "\(gateway.log)")
            #expect(gateway.log.contains("gpiochip97"), "\(gateway.log)")
            #expect(try String(contentsOf: counter, encoding: .utf8) == "100\n", "attempt \(attempt): \(gateway.log)")
            if outbox {
                #expect(OutboxSummary.continuation(in: gateway.log) == [101], "attempt \(attempt): \(gateway.log)")
            }
        }
    }
}
