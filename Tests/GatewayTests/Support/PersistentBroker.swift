import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A mosquitto of the test's own that keeps sessions across its restarts (persistence on,
/// saved when it is stopped with SIGTERM), on the same loopback port every time: a
/// persistent subscriber misses nothing while the broker is down, so every `seq` it lacks
/// afterwards is the gateway's loss.
final class PersistentBroker: @unchecked Sendable {
    let directory: URL
    private(set) var port = 0
    private var process: ChildProcess?

    init() throws {
        directory = TestEnvironment.temporaryDirectory()
        var started: Int?
        for _ in 0..<20 {
            let candidate = Int.random(in: 20_000..<60_000)
            if (try? launch(port: candidate)) != nil {
                started = candidate
                break
            }
        }
        guard let started else { throw TestFailure("could not start a persistent mosquitto on a loopback port") }
        port = started
        _ = port
    }

    deinit { process?.stop(grace: 2) }

    var url: String { "mqtt://127.0.0.1:\(port)" }

    private func launch(port: Int) throws {
        let config = """
            listener \(port) 127.0.0.1
            allow_anonymous true
            user root
            persistence true
            persistence_location \(directory.path)/
            autosave_interval 0
            max_queued_messages 0
            max_inflight_messages 100
            log_dest stderr
            log_type error
            log_type warning

            """
        let file = directory.appendingPathComponent("mosquitto.conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let binary = FileManager.default.isExecutableFile(atPath: "/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "/usr/bin/mosquitto"
        let child = try ChildProcess(binary, ["-c", file.path])
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, child.isRunning {
            let probe = try run("/usr/bin/mosquitto_sub", ["-h", "127.0.0.1", "-p", "\(port)", "-t", "probe", "-W", "1", "-C", "1", "-E"])
            if probe.status == 0 {
                process = child
                return
            }
            usleep(100_000)
        }
        child.stop(grace: 1)
        throw TestFailure("mosquitto did not start on port \(port): \(child.errorOutput)")
    }

    /// Stops it cleanly (it saves its sessions and queued messages).
    func stop() {
        process?.signal(SIGTERM)
        _ = process?.waitForExit(timeout: 10)
        process?.stop(grace: 1)
        process = nil
    }

    /// Starts it again on the same port, with the sessions it saved.
    func restart() throws {
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                try launch(port: port)
                return
            } catch {
                if Date() > deadline { throw error }
                usleep(200_000)
            }
        }
    }
}
