#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Measurement 5b: what one reading of the pipeline measurement costs, independent of
/// the machine's speed: instructions and heap allocations per reading.
///
/// The bench runs itself with the hidden `--pipeline-readings N` (only the pipeline of
/// ``PipelineMeasurement``, for exactly N readings, no broker) under valgrind, for two
/// values of N, with `--tool=callgrind` (total instructions executed, `I refs`) and
/// `--tool=memcheck` (heap blocks allocated, `total heap usage: A allocs`). The difference
/// between the two runs divided by the difference of N is the cost per reading: the
/// process's start, the pipeline's set-up and valgrind's own cost cancel out. Before the N
/// readings each run closes one window of a chain of its own
/// (``PipelineMeasurement/closeOneWindow()``), so the runtime's one-time work for a first
/// close is start-up too. The two values of N are 600,000 apart, the steps after which the
/// `1m` window closes, so the difference holds exactly one window close, as the steady
/// state does on average.
/// The four runs go at once. Without valgrind the figures are not measured, and the log
/// and the table say so.
struct PipelineCostMeasurement {
    let context: BenchContext

    static let fewer = 10_000
    static let more = 610_000

    struct Costs {
        var instructions: Int64
        var allocations: Int64
    }

    func run(_ results: BenchResults) throws(BenchError) {
        guard let valgrind = Self.valgrind else {
            log("pipeline cost: instructions and allocations per reading need valgrind (apt install valgrind; deploy/dev/install-deps installs it): not measured")
            results.set("instructions_per_reading", text: "needs valgrind")
            results.set("allocations_per_reading", text: "needs valgrind")
            return
        }
        let bench = try readableCopy(of: try Self.ownPath())
        log("pipeline cost: the pipeline for \(Self.fewer) and \(Self.more) readings under valgrind (callgrind, memcheck)")
        let started = BenchClock.monotonicNanoseconds()
        // The four runs at once: each is one thread, and the machine has more than one core.
        var runs: [Started] = []
        defer { for run in runs { run.child.terminate(grace: 1) } }
        for readings in [Self.fewer, Self.more] {
            runs.append(try start(valgrind: valgrind, tool: .callgrind, bench: bench, readings: readings))
            runs.append(try start(valgrind: valgrind, tool: .memcheck, bench: bench, readings: readings))
        }
        var counts: [Int64] = []
        for run in runs { counts.append(try finish(run)) }
        let few = Costs(instructions: counts[0], allocations: counts[1])
        let many = Costs(instructions: counts[2], allocations: counts[3])
        let readings = Double(Self.more - Self.fewer)
        let instructions = Double(many.instructions - few.instructions) / readings
        let allocations = Double(many.allocations - few.allocations) / readings
        results.set("instructions_per_reading", instructions)
        results.set("allocations_per_reading", allocations)
        results.set("pipeline_cost_allocations", Int(many.allocations - few.allocations))
        results.set("pipeline_cost_readings", Self.more - Self.fewer)
        results.set("pipeline_cost_runs", numbers: [Double(few.instructions), Double(many.instructions),
                                                    Double(few.allocations), Double(many.allocations)])
        log("pipeline cost: \(Format.fixed(instructions, 1)) instructions and \(Format.fixed(allocations, 4)) heap allocations per reading "
            + "(I refs \(few.instructions) / \(many.instructions), allocs \(few.allocations) / \(many.allocations) at \(Self.fewer) / \(Self.more) readings; "
            + "\(Format.fixed(Double(BenchClock.monotonicNanoseconds() - started) / 1e9, 1)) s)")
    }

    enum Tool: String {
        case callgrind, memcheck

        /// What the tool's summary puts before the figure.
        var marker: String { self == .callgrind ? "refs:" : "total heap usage:" }
    }

    struct Started {
        var tool: Tool
        var readings: Int
        var child: ChildProcess
        var logPath: String
    }

    private func start(valgrind: String, tool: Tool, bench: String, readings: Int) throws(BenchError) -> Started {
        let base = context.workDirectory + "/pipeline-\(readings).\(tool.rawValue)"
        let options = tool == .callgrind ? ["--callgrind-out-file=" + base + ".out"] : ["--leak-check=no"]
        let child = try ChildProcess.spawn(valgrind, ["--tool=" + tool.rawValue] + options + [bench, "--pipeline-readings", "\(readings)"],
                                           name: "valgrind --tool=\(tool.rawValue)", logPath: base + ".log")
        return Started(tool: tool, readings: readings, child: child, logPath: base + ".log")
    }

    /// Waits for a run (at most 5 minutes) and reads its figure.
    private func finish(_ run: Started) throws(BenchError) -> Int64 {
        let end = run.child.wait(timeout: 300) ?? run.child.terminate(grace: 2)
        guard end == .exited(0), let figure = Self.number(after: run.tool.marker, in: run.logPath) else {
            throw BenchError("valgrind --tool=\(run.tool.rawValue) on the pipeline (\(run.readings) readings): \(end); its log:\n\(BenchFiles.tail(run.logPath))")
        }
        return figure
    }

    /// A copy of the bench without its DWARF sections, but with its symbol table (so
    /// callgrind and dhat still name functions): valgrind 3.19 (Debian 12) gives up on the
    /// debug information the Swift 6.3 toolchain writes ("Possibly corrupted debuginfo
    /// file"). Without binutils' `strip`, the bench itself.
    private func readableCopy(of bench: String) throws(BenchError) -> String {
        guard let strip = (["/usr/bin/strip", "/usr/local/bin/strip"] as [String]).first(where: { access($0, X_OK) == 0 }) else { return bench }
        let copy = context.workDirectory + "/sensorgate-bench.nodebug"
        let logPath = copy + ".log"
        let end = try ChildProcess.run(strip, ["--strip-debug", "-o", copy, bench], name: "strip", logPath: logPath, timeout: 60)
        guard end == .exited(0) else {
            throw BenchError("strip --strip-debug \(bench): \(end); its output:\n\(BenchFiles.tail(logPath))")
        }
        return copy
    }

    /// The first number (digits and thousands commas) after `marker` in the file.
    static func number(after marker: String, in path: String) -> Int64? {
        guard let text = BenchFiles.read(path), let found = text.ranges(of: marker).first else { return nil }
        let digits = text[found.upperBound...].drop { $0 == " " }.prefix { $0.isNumber || $0 == "," }.filter { $0 != "," }
        return Int64(String(digits))
    }

    static var valgrind: String? {
        ["/usr/bin/valgrind", "/usr/local/bin/valgrind"].first { access($0, X_OK) == 0 }
    }

    static func ownPath() throws(BenchError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw BenchError("cannot find the bench's own path (/proc/self/exe): \(String(cString: strerror(errno)))") }
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
