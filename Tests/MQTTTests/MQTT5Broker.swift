import Foundation

/// A mosquitto of an MQTT 5 test's own, with extra configuration lines (no anonymous
/// clients, an ACL), on a free loopback port; and `mosquitto_sub` as an MQTT 5 client.
final class MQTT5Broker {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let directory: URL
    private(set) var port = 0
    private var process: Process?

    /// `configuration` may name `ACL` for the path of `acl` written next to it.
    init(_ configuration: [String], acl: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sensorgate-mqtt5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let aclPath = directory.appendingPathComponent("acl").path
        if let acl { try acl.write(toFile: aclPath, atomically: true, encoding: .utf8) }
        for _ in 0..<20 {
            let candidate = Int.random(in: 20_000..<60_000)
            let lines = ["listener \(candidate) 127.0.0.1", "persistence false", "log_dest stderr", "log_type error"]
                + configuration.map { $0.replacingOccurrences(of: "ACL", with: aclPath) }
            let file = directory.appendingPathComponent("mosquitto.conf")
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            let child = Process()
            let binary = FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "/usr/bin/mosquitto"
            child.executableURL = URL(fileURLWithPath: binary)
            child.arguments = ["-c", file.path]
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            if Self.listening(candidate, while: child) {
                port = candidate
                process = child
                return
            }
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            child.waitUntilExit()
        }
        throw Failure(description: "could not start mosquitto on a loopback port")
    }

    deinit { stop() }

    func stop() {
        guard let process else { return }
        // SIGKILL: the test process may block SIGTERM, and a child inherits the block.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
        try? FileManager.default.removeItem(at: directory)
    }

    /// True once a TCP connection to the port succeeds (an anonymous probe may be refused here).
    private static func listening(_ port: Int, while child: Process) -> Bool {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, child.isRunning {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return true }
            usleep(50_000)
        }
        return false
    }
}

/// Runs `mosquitto_sub` (or another mosquitto client) to its end; its standard output.
func runClient(_ program: String, _ arguments: [String]) throws -> String {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/usr/bin/\(program)")
    child.arguments = arguments
    let pipe = Pipe()
    child.standardOutput = pipe
    child.standardError = FileHandle.nullDevice
    try child.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    child.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
