import Foundation
import Testing

/// `sensorgate doctor` with the real binary on this machine: a reachable broker and a
/// writable state directory pass; an unreachable broker, an unwritable state directory
/// and a missing I2C bus fail with what to do. (The GPIO and I2C checks against the
/// kernel's interfaces run in the kernel-level harness, case `doctor`.)
@Suite("sensorgate doctor (real binary, real mosquitto)")
struct DoctorIntegrationTests {
    func profile(_ body: String, in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("doctor.yaml")
        try ("gateway:\n  id: \(TestEnvironment.uniqueID("doctor"))\n" + body).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test("nothing to fix: one ok line per check (the clock may warn), exit 0")
    func healthy() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let path = try profile("", in: directory)
        let result = try run(TestEnvironment.binary, ["doctor", "--profile", path, "--broker", TestEnvironment.brokerURL,
                                                      "--state-dir", directory.appendingPathComponent("state").path])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(lines.first == "ok   profile: \(path) valid", "\(lines)")
        #expect(lines.contains { $0.hasPrefix("ok   state directory: ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("ok   broker \(TestEnvironment.brokerURL): connected in ") }, "\(lines)")
        #expect(lines.last?.hasPrefix("ok   clock: ") == true || lines.last?.hasPrefix("warn clock: ") == true, "\(lines)")
        #expect(lines.count == 4, "\(lines)")
    }

    @Test("an unreachable broker, an unwritable state directory and a missing bus: FAIL lines with fixes, exit 1")
    func problems() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let path = try profile("""
            sensors:
              - id: probe
                driver: lm75
                i2c: { bus: 213 }
            """, in: directory)
        // A file where the state directory should be.
        let blocked = directory.appendingPathComponent("blocked")
        try "x".write(to: blocked, atomically: true, encoding: .utf8)
        let result = try run(TestEnvironment.binary, ["doctor", "--profile", path, "--broker", "mqtt://127.0.0.1:1",
                                                      "--state-dir", blocked.appendingPathComponent("state").path])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(result.status == 1, "\(result.output)\(result.error)")
        #expect(lines.contains { $0.hasPrefix("FAIL i2c-213: /dev/i2c-213: No such file or directory (fix: ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("FAIL state directory: ") && $0.contains("(fix: make ") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("FAIL broker mqtt://127.0.0.1:1: ") && $0.contains("Connection refused") && $0.contains("(fix: ") },
                "\(lines)")
    }

    @Test("an invalid profile: one FAIL line, the located errors on stderr, exit 1")
    func invalidProfile() throws {
        let directory = TestEnvironment.temporaryDirectory()
        let path = try profile("mqtt:\n  brokr: mqtt://x\n", in: directory)
        let result = try run(TestEnvironment.binary, ["doctor", "--profile", path])
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("FAIL profile: \(path) is not usable: (fix: sensorgate validate \(path))"), "\(result.output)")
        #expect(result.error.contains("\(path):4:3: error: "), "\(result.error)")
    }
}
