#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import CMosquitto
import Dispatch
import Logging

/// `sensorgate-bench`: runs every measurement of the performance targets in docs/ARCHITECTURE.md
/// against a private mosquitto on 127.0.0.1 and prints a table, or one JSON object.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensorgate-bench",
        abstract: "Measure Sensorgate against a raw libmosquitto baseline on a private loopback mosquitto.",
        discussion: """
            Runs the sensorgate binary that sits next to this one. Figures: end-to-end latency at \
            1k events/s (QoS 0), delivered QoS 0 and QoS 1 throughput of the publish path, idle \
            memory and CPU, exec to first publish, the in-process pipeline rate and (under \
            valgrind) its instructions and allocations per reading, the scale figures, and a fleet \
            of 50 gateways through a broker restart. Logs go to stderr; the table (or, with --json, \
            one JSON object) to stdout. Exit 1 if a measurement failed.
            """)

    @Flag(name: .long, help: "Print one JSON object on stdout instead of the table.")
    var json = false

    @Flag(name: .long, help: "Smaller samples and windows: the whole run stays under two minutes.")
    var quick = false

    @Option(name: .long, help: ArgumentHelp("Directory for the broker's config and log (default: in the run's temporary directory).", valueName: "DIR"))
    var brokerDir: String?

    @Flag(name: .long, help: "Run only the scale measurements: CPU and memory with 1,000 channels at 1 Hz, poll lateness with 100 sensors.")
    var scale = false

    @Flag(name: .long, help: "Run only the fleet measurement: 50 gateways at 20 readings/s each, QoS 1 through the outbox, on one broker restarted once (about 40 s).")
    var fleet = false

    @Option(name: .long, help: .hidden)
    var pipelineReadings: Int?

    @Flag(name: .long, help: "Keep the temporary directory (profiles, gateway logs) even when every measurement succeeded.")
    var keepFiles = false

    func run() throws {
        if let pipelineReadings {
            // What the pipeline cost measurement runs under valgrind: the pipeline alone,
            // after the one-time cost of a first window close.
            let warmUp = PipelineMeasurement.closeOneWindow()
            let outcome = PipelineMeasurement.measure(seconds: nil, limit: max(0, pipelineReadings))
            log("pipeline: \(warmUp) window closed before; \(outcome.steps) readings, \(outcome.states) states, \(outcome.levelChanges) level changes, \(outcome.windows) windows; checksum \(Format.fixed(outcome.checksum, 3))")
            return
        }
        signal(SIGPIPE, SIG_IGN)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let sensorgate: String
        do {
            sensorgate = try Self.locateSensorgate()
        } catch {
            log("error: \(error)")
            throw ExitCode(2)
        }
        mosquitto_lib_init()
        defer { mosquitto_lib_cleanup() }

        let work: String
        let broker: BenchBroker
        do {
            work = try BenchFiles.makeTemporaryDirectory(prefix: "sensorgate-bench")
            try BenchFiles.makeDirectory(work + "/state")
            broker = try BenchBroker(directory: brokerDir ?? work + "/broker")
        } catch {
            log("error: \(error)")
            throw ExitCode(1)
        }
        let signalSources = Self.stopChildrenOnSignals(workDirectory: work)
        defer { withExtendedLifetime(signalSources) {} }

        let mode = (quick ? "quick" : "full") + (scale ? ", scale only" : "") + (fleet ? ", fleet only" : "")
        log("\(mode) run; sensorgate: \(sensorgate); scratch: \(work)")
        let results = BenchResults()
        do {
            try broker.start()
        } catch {
            log("error: \(error)")
            throw ExitCode(1)
        }
        defer { broker.stop() }
        log("broker: mosquitto on 127.0.0.1:\(broker.port), log \(broker.logPath)")

        let context = BenchContext(quick: quick, broker: broker, sensorgate: sensorgate, workDirectory: work,
                                   logger: Logger(label: "sensorgate-bench"))
        let started = BenchClock.monotonicNanoseconds()
        if !scale, !fleet {
            step("latency", results) { () throws(BenchError) in try LatencyMeasurement(context: context).run(results) }
            let throughput = ThroughputMeasurement(context: context)
            throughput.run(qos: 0, results)
            throughput.run(qos: 1, results)
            step("idle", results) { () throws(BenchError) in try IdleMeasurement(context: context).run(results) }
            let startup = StartupMeasurement(context: context)
            step("exec to first publish", results) { () throws(BenchError) in try startup.run(results) }
            step("exec to first publish, 100 sensors", results) { () throws(BenchError) in try startup.runHundred(results) }
            PipelineMeasurement(context: context).run(results)
            step("pipeline cost", results) { () throws(BenchError) in try PipelineCostMeasurement(context: context).run(results) }
        }
        if !fleet {
            let atScale = ScaleMeasurement(context: context)
            step("1000 channels", results) { () throws(BenchError) in try atScale.run(results) }
            step("poll lateness, 100 sensors", results) { () throws(BenchError) in try atScale.runLateness(results) }
        }
        // The fleet takes about 40 s: part of the full run, not of --quick.
        if fleet || (!quick && !scale) {
            step("fleet", results) { () throws(BenchError) in try FleetMeasurement(context: context).run(results) }
        }

        let report = Report(results: results, mode: mode)
        report.addDerived()
        results.set("bench_seconds", Double(BenchClock.monotonicNanoseconds() - started) / 1e9)
        log("done in \(Format.fixed(Double(BenchClock.monotonicNanoseconds() - started) / 1e9, 1)) s")
        let output = json ? report.json : report.table
        Self.writeStandardOutput(output)

        if results.errors.isEmpty {
            if !keepFiles {
                // The broker's directory goes with the scratch directory unless --broker-dir put it elsewhere.
                broker.stop()
                BenchFiles.removeTree(work)
            }
        } else {
            log("\(results.errors.count) measurement(s) failed; profiles and logs kept in \(work)")
            throw ExitCode(1)
        }
    }

    /// Runs one measurement; a failure is logged and recorded, and the run goes on.
    private func step(_ name: String, _ results: BenchResults, _ body: () throws(BenchError) -> Void) {
        do {
            try body()
        } catch {
            log("\(name) failed: \(error)")
            results.fail(name, error)
        }
    }

    /// Writes all of `text` to file descriptor 1.
    private static func writeStandardOutput(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// The `sensorgate` executable in the bench's own directory.
    static func locateSensorgate() throws(BenchError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else {
            throw BenchError("cannot find the bench's own path (/proc/self/exe): \(String(cString: strerror(errno)))")
        }
        let own = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = own.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let path = directory + "/sensorgate"
        guard access(path, X_OK) == 0 else {
            throw BenchError("""
                no sensorgate binary next to the bench at \(path).
                Build both from the same scratch path, e.g.:
                  swift build -c release --product sensorgate
                  swift build -c release --product sensorgate-bench
                """)
        }
        return path
    }

    /// On SIGINT, SIGTERM or SIGHUP: stop the gateway and the broker, then exit 130.
    private static func stopChildrenOnSignals(workDirectory: String) -> [any DispatchSourceSignal] {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                log("interrupted: stopping the gateway and the broker (files kept in \(workDirectory))")
                childRegistry.close()
                childRegistry.signalAll(SIGTERM)
                _ = BenchClock.wait(timeout: 3, interval: 0.02) { childRegistry.isEmpty || allChildrenGone() }
                childRegistry.signalAll(SIGKILL)
                Glibc.exit(130)
            }
            source.resume()
            sources.append(source)
        }
        return sources
    }
}

/// Reaps any ended child without blocking; true when none is left.
private func allChildrenGone() -> Bool {
    var status: Int32 = 0
    while true {
        let pid = waitpid(-1, &status, WNOHANG)
        if pid > 0 {
            childRegistry.remove(pid)
            continue
        }
        return pid < 0 && errno == ECHILD
    }
}
