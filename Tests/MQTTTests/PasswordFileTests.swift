import Foundation
import MQTT
import Testing

@Suite("Password file")
struct PasswordFileTests {
    private func file(_ contents: String, mode: Int) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sensorgate-pw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("mqtt.pass").path
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, mode_t(mode)) == 0)
        return path
    }

    @Test("the password without its final newline; mode 0600 draws no warning")
    func readsPrivateFile() throws {
        let path = try file("  s3cret\n", mode: 0o600)
        let secret = try PasswordFile.read(path)
        #expect(secret.password == "s3cret")
        #expect(secret.warning == nil)
    }

    @Test("a file group or others can read draws a warning naming the file and chmod 600", arguments: [0o644, 0o640, 0o604, 0o620])
    func warnsAboutOpenModes(mode: Int) throws {
        let path = try file("s3cret\n", mode: mode)
        let secret = try PasswordFile.read(path)
        #expect(secret.password == "s3cret")
        let warning = try #require(secret.warning)
        #expect(warning.contains(path) && warning.contains("chmod 600"), "\(warning)")
        #expect(warning.contains("0\(String(mode, radix: 8))"), "\(warning)")
        #expect(!warning.contains("s3cret"))
    }

    @Test("a missing file gives the system's reason")
    func missing() {
        #expect {
            try PasswordFile.read("/nonexistent/mqtt.pass")
        } throws: { error in
            "\(error)".contains("No such file or directory") && "\(error)".contains("/nonexistent/mqtt.pass")
        }
    }

    @Test("an unreadable file gives the system's reason (Permission denied; Not a directory where root reads all)")
    func unreadable() throws {
        if getuid() == 0 {
            // Root opens any mode; a path through a regular file still fails, with its own reason.
            let path = try file("s3cret", mode: 0o600)
            #expect {
                try PasswordFile.read(path + "/x")
            } throws: { "\($0)".contains("Not a directory") }
        } else {
            let path = try file("s3cret", mode: 0o000)
            #expect {
                try PasswordFile.read(path)
            } throws: { "\($0)".contains("Permission denied") }
        }
    }

    @Test("a FIFO or a directory is refused at once instead of blocking the start")
    func notRegular() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sensorgate-pw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fifo = directory.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect {
            try PasswordFile.read(fifo)
        } throws: { "\($0)".contains("not a regular file") }
        #expect {
            try PasswordFile.read(directory.path)
        } throws: { "\($0)".contains("not a regular file") }
    }

    @Test("a file far larger than a password is refused")
    func tooLarge() throws {
        let path = try file(String(repeating: "x", count: PasswordFile.sizeLimit + 1), mode: 0o600)
        #expect {
            try PasswordFile.read(path)
        } throws: { "\($0)".contains("only the password") }
    }
}
