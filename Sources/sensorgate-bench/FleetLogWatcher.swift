#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import SensorgateCore

/// Follows the fleet's gateway logs from a thread of its own and stamps, with the bench's
/// `CLOCK_MONOTONIC`, when each gateway's `reconnected to …` line appears.
///
/// The gateway's log lines carry a timestamp in whole seconds only, too coarse for a
/// spread of a second or two; the files are read every 5 ms instead (the gateway writes
/// each line with one `write`), so a stamp is at most that late. The backoff the gateways
/// drew is read from the same lines: `… reconnect attempt N in 437ms`.
final class FleetLogWatcher: @unchecked Sendable {
    struct Gateway {
        /// Monotonic ns at which the first `reconnected to` line was seen.
        var reconnected: Int64?
        /// The highest reconnect attempt announced, and every delay drawn (seconds).
        var attempts = 0
        var delays: [Double] = []
    }

    private let paths: [String]
    private let lock = Mutex()
    private var gateways: [Gateway]
    private var offsets: [Int]
    private var pending: [[UInt8]]
    private let stopFlag = SharedFlag()
    private var thread: BenchThread?

    /// Watches `paths` from their current ends: what the gateways logged before is ignored.
    init(paths: [String]) {
        self.paths = paths
        gateways = Array(repeating: Gateway(), count: paths.count)
        offsets = paths.map { path in
            var info = stat()
            return stat(path, &info) == 0 ? Int(info.st_size) : 0
        }
        pending = Array(repeating: [], count: paths.count)
    }

    func start() throws(BenchError) {
        thread = try BenchThread.start { [self] in
            while !stopFlag.isSet {
                scan()
                BenchClock.sleep(seconds: 0.005)
            }
            scan()
        }
    }

    func stop() {
        stopFlag.set()
        thread?.join()
        thread = nil
    }

    var snapshot: [Gateway] { lock.withLock { gateways } }

    private func scan() {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        for position in paths.indices {
            let fd = open(paths[position], O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            while true {
                let count = pread(fd, &chunk, chunk.count, off_t(offsets[position]))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                offsets[position] += count
                let now = BenchClock.monotonicNanoseconds()
                var line = pending[position]
                for byte in chunk[0..<count] {
                    if byte == UInt8(ascii: "\n") {
                        take(String(decoding: line, as: UTF8.self), gateway: position, at: now)
                        line.removeAll(keepingCapacity: true)
                    } else {
                        line.append(byte)
                    }
                }
                pending[position] = line
            }
            close(fd)
        }
    }

    private func take(_ line: String, gateway position: Int, at now: Int64) {
        lock.withLock {
            if line.contains("reconnected to "), gateways[position].reconnected == nil {
                gateways[position].reconnected = now
            }
            if let announced = Self.attemptAndDelay(in: line) {
                gateways[position].attempts = max(gateways[position].attempts, announced.attempt)
                gateways[position].delays.append(announced.delay)
            }
        }
    }

    /// `reconnect attempt N in D` at the end of a line (D as `Interval.readableDescription`
    /// writes it: `0s`, `<1ms`, `437ms`, `1.7s`, `24s`, `2m5s`).
    static func attemptAndDelay(in line: String) -> (attempt: Int, delay: Double)? {
        guard let found = line.ranges(of: "reconnect attempt ").last else { return nil }
        let rest = line[found.upperBound...]
        let number = rest.prefix { $0.isNumber }
        guard let attempt = Int(number), let inRange = rest.ranges(of: " in ").last else { return nil }
        let text = rest[inRange.upperBound...].split(separator: " ").first.map(String.init) ?? ""
        guard let delay = seconds(text) else { return nil }
        return (attempt, delay)
    }

    static func seconds(_ text: String) -> Double? {
        if text == "<1ms" { return 0.0005 }
        if text.hasSuffix("ms"), let value = Double(text.dropLast(2)) { return value / 1_000 }
        if let minutes = text.firstIndex(of: "m") {
            guard let whole = Double(text[..<minutes]) else { return nil }
            let rest = text[text.index(after: minutes)...]
            if rest.isEmpty { return whole * 60 }
            guard rest.hasSuffix("s"), let seconds = Double(rest.dropLast()) else { return nil }
            return whole * 60 + seconds
        }
        if text.hasSuffix("s"), let value = Double(text.dropLast()) { return value }
        return nil
    }
}
