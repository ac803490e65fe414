import ArgumentParser
import GPIO
import Profiles
import SensorgateCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sensorgate gpio list` and `sensorgate gpio monitor`: what gpiodetect, gpioinfo and
/// gpiomon show, through the same libgpiod backend the gateway uses.
struct GPIO: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpio",
        abstract: "Inspect GPIO chips and watch edges (the kernel's GPIO character device, through libgpiod).",
        subcommands: [List.self, Monitor.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List gpiochips and their lines: offset, name, consumer, direction, active level, bias.")

        @Argument(help: ArgumentHelp("Chips to list: gpiochipN, /dev/gpiochipN, N or a label. Default: every chip.", valueName: "CHIP"))
        var chips: [String] = []

        func run() throws {
            let provider = try kernelChipProvider()
            let selectors = chips.isEmpty ? provider.chipPaths() : chips
            if selectors.isEmpty {
                printError("error: no gpiochip in /dev (is the GPIO character device enabled in this kernel?)")
                throw ExitStatus.failure
            }
            var failed = false
            for (index, selector) in selectors.enumerated() {
                let chip: any GPIOChip
                do {
                    chip = try provider.openChip(selector)
                } catch {
                    printError("error: \(error)")
                    failed = true
                    continue
                }
                if index > 0 { writeOut("\n") }
                writeOut(GPIOListing.render(chip: chip))
            }
            if failed { throw ExitStatus.failure }
        }
    }

    struct Monitor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each edge of the given lines with its kernel timestamp, like gpiomon.",
            discussion: """
                Each edge is one line on standard output:
                  MONOTONIC_SECONDS.NANOSECONDS UTC_TIME CHIP OFFSET NAME rising|falling
                Lines are given by offset, by kernel line name, or (with --board) by header pin
                or GPIO name. Exits 0 after --count edges, or on SIGINT/SIGTERM.
                """)

        @Argument(help: ArgumentHelp("The chip: gpiochipN, /dev/gpiochipN, N or a label.", valueName: "CHIP"))
        var chip: String

        @Argument(help: ArgumentHelp("Lines to watch: offsets or names.", valueName: "LINE"))
        var lines: [String]

        @Option(name: .long, help: "Bias: as-is, disabled, pull-up or pull-down.")
        var bias: String = "as-is"

        @Flag(name: .long, help: "Treat the lines as active-low (edges and levels are logical).")
        var activeLow = false

        @Option(name: .long, help: "Edges to report: both, rising or falling.")
        var edge: String = "both"

        @Option(name: .long, help: "Exit after this many edges.")
        var count: Int?

        @Option(name: .long, help: ArgumentHelp("A board preset for header names (pin11, GPIO17): \(BoardPreset.names.joined(separator: ", ")).", valueName: "BOARD"))
        var board: String?

        func validate() throws {
            guard !lines.isEmpty else { throw ValidationError("give at least one LINE") }
            guard Bias(rawValue: bias) != nil else {
                throw ValidationError("--bias must be as-is, disabled, pull-up or pull-down, not '\(bias)'")
            }
            guard let detection = EdgeDetection(rawValue: edge), detection != .none else {
                throw ValidationError("--edge must be both, rising or falling, not '\(edge)'")
            }
            if let count, count < 1 { throw ValidationError("--count must be at least 1") }
            if let board, BoardPreset.named(board) == nil {
                throw ValidationError("unknown board '\(board)'; known: \(BoardPreset.names.joined(separator: ", "))")
            }
        }

        func run() throws {
            let preset = board.flatMap(BoardPreset.named)
            let opened: any GPIOChip
            do {
                opened = try kernelChipProvider().openChip(chip)
            } catch {
                printError("error: \(error)")
                throw ExitStatus.failure
            }
            var offsets: [UInt32] = []
            for line in lines {
                switch GPIOListing.offset(of: line, on: opened, board: preset) {
                case .success(let offset):
                    guard !offsets.contains(offset) else {
                        printError("error: line \(line) is given twice")
                        throw ExitStatus.usage
                    }
                    offsets.append(offset)
                case .failure(let problem):
                    printError("error: \(problem.message)")
                    throw ExitStatus.failure
                }
            }
            let direction = LineConfig.Direction.input(edge: EdgeDetection(rawValue: edge) ?? .both,
                                                        bias: Bias(rawValue: bias) ?? .asIs)
            var requests: [any GPIOLineRequest] = []
            for offset in offsets {
                do {
                    requests.append(try opened.request([LineConfig(offset: offset, direction: direction, activeLow: activeLow)],
                                                            consumer: "sensorgate-monitor"))
                } catch {
                    var message = "error: \(error)"
                    if error.code == .busy, let info = try? opened.lineInfo(offset: offset) {
                        message += info.consumer.map { " (in use by '\($0)')" } ?? " (in use by a kernel driver)"
                    }
                    printError(message)
                    throw ExitStatus.failure
                }
            }
            let names = offsets.map { opened.lineName(offset: $0) ?? "-" }
            let stop = try StopSignal()
            defer { stop.restore() }
            printError("monitoring \(opened.name) [\(opened.label)] lines \(zip(offsets, names).map { "\($0) (\($1))" }.joined(separator: ", ")); stop with Ctrl-C")

            let utc = UTCMapping.system()
            var descriptors = requests.map { pollfd(fd: $0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
            descriptors.append(pollfd(fd: stop.fileDescriptor, events: Int16(POLLIN), revents: 0))
            var seen = 0
            var events: [EdgeEvent] = []
            while true {
                let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    printError("error: poll failed: \(LibgpiodFailure.systemMessage(errno))")
                    throw ExitStatus.failure
                }
                if descriptors[descriptors.count - 1].revents != 0 { return }
                for (index, request) in requests.enumerated() where descriptors[index].revents != 0 {
                    descriptors[index].revents = 0
                    events.removeAll(keepingCapacity: true)
                    let lost: EdgeLoss
                    do {
                        lost = try request.readEdgeEvents(into: &events)
                    } catch {
                        printError("error: \(error)")
                        throw ExitStatus.failure
                    }
                    for event in events {
                        writeOut(GPIOListing.eventLine(event, chip: opened.name, lineName: names[index],
                                                       utcNanoseconds: utc.utcNanoseconds(event.timestamp)))
                        seen += 1
                        if let count, seen >= count { return }
                    }
                    if !lost.isEmpty {
                        printError("warning: \(opened.name) line \(offsets[index]): the kernel's event queue was full; edges may have been lost")
                    }
                }
            }
        }
    }
}

/// The kernel's chips through the system's libgpiod, or exit 1 saying what to install.
func kernelChipProvider() throws -> any GPIOChipProvider {
    do {
        return try Libgpiod.chipProvider()
    } catch {
        printError("error: \(error)")
        throw ExitStatus.failure
    }
}

/// Why a LINE argument names no line.
struct LineArgumentError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Formatting and parsing shared by the `gpio` subcommands.
enum GPIOListing {
    /// A chip and its lines, as `gpio list` prints them.
    static func render(chip: any GPIOChip) -> String {
        var infos: [GPIOLineInfo] = []
        var problems: [String] = []
        for offset in 0..<UInt32(chip.lineCount) {
            do {
                infos.append(try chip.lineInfo(offset: offset))
            } catch {
                problems.append("  line \(offset): \(error)")
            }
        }
        let nameWidth = min(24, max(4, infos.map { ($0.name ?? "-").count }.max() ?? 4))
        let consumerWidth = min(28, max(8, infos.map { consumerText($0).count }.max() ?? 8))
        var text = "\(chip.name) [\(chip.label)] (\(chip.lineCount) lines) \(chip.path)\n"
        text += "  " + "offset".leftPadded(to: 6, with: " ") + "  " + "name".rightPadded(to: nameWidth)
            + "  " + "consumer".rightPadded(to: consumerWidth) + "  direction  active  bias\n"
        for info in infos {
            var row = "  " + String(info.offset).leftPadded(to: 6, with: " ")
            row += "  " + (info.name ?? "-").rightPadded(to: nameWidth)
            row += "  " + consumerText(info).rightPadded(to: consumerWidth)
            row += "  " + info.direction.rawValue.rightPadded(to: 9)
            row += "  " + (info.activeLow ? "low" : "high").rightPadded(to: 6)
            row += "  " + info.bias.rawValue
            if info.drive != .pushPull { row += "  " + info.drive.rawValue }
            text += row + "\n"
        }
        for problem in problems { text += problem + "\n" }
        return text
    }

    static func consumerText(_ info: GPIOLineInfo) -> String {
        if let consumer = info.consumer { return consumer }
        return info.used ? "(kernel)" : "-"
    }

    /// A LINE argument: an offset, a board preset name (with --board), or a kernel line name.
    static func offset(of text: String, on chip: any GPIOChip, board: BoardPreset?) -> Result<UInt32, LineArgumentError> {
        if let offset = UInt32(text) {
            guard Int(offset) < chip.lineCount else {
                return .failure(LineArgumentError("\(chip.name) (\(chip.label)) has no line \(offset); it has \(chip.lineCount) lines"))
            }
            return .success(offset)
        }
        if let board {
            switch board.lookup(text) {
            case .line(_, let offset) where Int(offset) < chip.lineCount:
                return .success(offset)
            case .notGPIO(let pin, let function):
                return .failure(LineArgumentError("pin \(pin) of the \(board.name) header is \(function), not a GPIO"))
            default:
                break
            }
        }
        for offset in 0..<UInt32(chip.lineCount) where chip.lineName(offset: offset) == text { return .success(offset) }
        return .failure(LineArgumentError("\(chip.name) (\(chip.label)) has no line named '\(text)' (see `sensorgate gpio list \(chip.name)`)"))
    }

    /// One edge as `gpio monitor` prints it:
    /// `12.345678901 2026-11-27T03:00:00.123456Z gpiochip0 17 GPIO17 rising`.
    static func eventLine(_ event: EdgeEvent, chip: String, lineName: String, utcNanoseconds: Int64) -> String {
        let seconds = event.timestamp.nanoseconds / 1_000_000_000
        let fraction = String(event.timestamp.nanoseconds % 1_000_000_000).leftPadded(to: 9)
        let kind = event.kind == .rising ? "rising" : "falling"
        return "\(seconds).\(fraction) \(utcText(utcNanoseconds)) \(chip) \(event.offset) \(lineName) \(kind)\n"
    }

    /// `2026-11-27T03:00:00.123456Z`.
    static func utcText(_ nanoseconds: Int64) -> String {
        var seconds = nanoseconds / 1_000_000_000
        var micros = (nanoseconds % 1_000_000_000) / 1_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { String(value).leftPadded(to: 2) }
        return "\(String(parts.tm_year + 1900).leftPadded(to: 4))-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
            + "T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(String(micros).leftPadded(to: 6))Z"
    }
}

/// SIGINT and SIGTERM made readable: the handler writes a byte to a pipe that `poll`
/// watches (the self-pipe trick), so `gpio monitor` sleeps in `poll` without a timeout.
final class StopSignal {
    let fileDescriptor: Int32
    private let writeEnd: Int32
    private var previous: [(Int32, sigaction)] = []

    init() throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            printError("error: pipe failed: \(LibgpiodFailure.systemMessage(errno))")
            throw ExitStatus.failure
        }
        fileDescriptor = ends[0]
        writeEnd = ends[1]
        for fd in ends { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        stopSignalWriteEnd = writeEnd
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(stopSignalWriteEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous.append((signal, old))
        }
    }

    /// Puts the previous handlers back and closes the pipe.
    func restore() {
        for (signal, old) in previous {
            var action = old
            sigaction(signal, &action, nil)
        }
        previous.removeAll()
        stopSignalWriteEnd = -1
        close(fileDescriptor)
        close(writeEnd)
    }
}

/// The pipe the signal handler writes to (a C handler cannot capture context).
nonisolated(unsafe) private var stopSignalWriteEnd: Int32 = -1

/// Writes text to standard output at once (unbuffered: a reader sees each edge as it happens).
func writeOut(_ text: String) {
    var remaining = Array(text.utf8)[...]
    while !remaining.isEmpty {
        let written = remaining.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        remaining = remaining.dropFirst(written)
    }
}

extension String {
    /// Padded with spaces on the right to `width` characters.
    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
