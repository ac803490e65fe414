import ArgumentParser
import Profiles
import SensorgateCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sensorgate gpio monitor`: each edge of the given lines with its kernel timestamp, like
/// gpiomon, until `--count` edges or SIGINT/SIGTERM.
struct GPIOMonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
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

    /// One watched line: its request and how its edges are printed.
    private struct Watched {
        var request: any GPIOLineRequest
        var offset: UInt32
        var name: String
    }

    func run() throws {
        let opened: any GPIOChip
        do {
            opened = try GPIOCommand.provider().openChip(chip)
        } catch let code as ExitCode {
            throw code
        } catch {
            printError("error: \(error)")
            throw ExitStatus.failure
        }
        let watched = try request(try offsets(on: opened), on: opened)
        let signals: TerminationSignals
        do {
            signals = try TerminationSignals()
        } catch {
            printError("error: \(error)")
            throw ExitStatus.failure
        }
        defer { signals.restore() }
        printError("monitoring \(opened.name) [\(opened.label)] lines \(watched.map { "\($0.offset) (\($0.name))" }.joined(separator: ", ")); stop with Ctrl-C")
        try printEdges(of: watched, chip: opened, until: signals)
    }

    /// The LINE arguments as offsets on the chip, each once.
    private func offsets(on chip: any GPIOChip) throws -> [UInt32] {
        let preset = board.flatMap(BoardPreset.named)
        var offsets: [UInt32] = []
        for line in lines {
            let offset: UInt32
            do {
                offset = try LineResolver.offset(ofArgument: line, on: chip, board: preset)
            } catch {
                printError("error: \(error.message)")
                throw ExitStatus.failure
            }
            guard !offsets.contains(offset) else {
                printError("error: line \(line) is given twice")
                throw ExitStatus.usage
            }
            offsets.append(offset)
        }
        return offsets
    }

    /// One request per line: the v1 API reads the edges of one line per request.
    private func request(_ offsets: [UInt32], on chip: any GPIOChip) throws -> [Watched] {
        let direction = LineConfig.Direction.input(edge: EdgeDetection(rawValue: edge) ?? .both,
                                                    bias: Bias(rawValue: bias) ?? .asIs)
        var watched: [Watched] = []
        for offset in offsets {
            do {
                let request = try chip.request([LineConfig(offset: offset, direction: direction, activeLow: activeLow)],
                                               consumer: "sensorgate-monitor")
                watched.append(Watched(request: request, offset: offset, name: chip.lineName(offset: offset) ?? "-"))
            } catch {
                var message = "error: \(error)"
                if error.code == .busy, let info = try? chip.lineInfo(offset: offset) {
                    message += info.consumer.map { " (in use by '\($0)')" } ?? " (in use by a kernel driver)"
                }
                printError(message)
                throw ExitStatus.failure
            }
        }
        return watched
    }

    /// Sleeps in `poll` on the requests' descriptors and the signals' descriptor; prints
    /// each edge as it is read; returns after `--count` edges or a termination signal.
    private func printEdges(of watched: [Watched], chip: any GPIOChip, until signals: TerminationSignals) throws {
        let utc = UTCMapping.system()
        var descriptors = watched.map { pollfd(fd: $0.request.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        descriptors.append(pollfd(fd: signals.fileDescriptor, events: Int16(POLLIN), revents: 0))
        var seen = 0
        var events: [EdgeEvent] = []
        while true {
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                if errno == EINTR { continue }
                printError("error: poll failed: \(String(cString: strerror(errno)))")
                throw ExitStatus.failure
            }
            if descriptors[descriptors.count - 1].revents != 0 { return }
            for (index, line) in watched.enumerated() where descriptors[index].revents != 0 {
                descriptors[index].revents = 0
                events.removeAll(keepingCapacity: true)
                let loss: EdgeLoss
                do {
                    loss = try line.request.readEdgeEvents(into: &events)
                } catch {
                    printError("error: \(error)")
                    throw ExitStatus.failure
                }
                for event in events {
                    writeOut(Self.eventLine(event, chip: chip.name, lineName: line.name,
                                            utcNanoseconds: utc.utcNanoseconds(event.timestamp)))
                    seen += 1
                    if let count, seen >= count { return }
                }
                if loss.dropped > 0 {
                    printError(loss.exact
                        ? "warning: \(chip.name) line \(line.offset): the kernel dropped \(loss.dropped) edge events"
                        : "warning: \(chip.name) line \(line.offset): the kernel's event queue was full; edges may have been lost")
                }
            }
        }
    }

    /// `12.345678901 2026-11-27T03:00:00.123456Z gpiochip0 17 GPIO17 rising`.
    static func eventLine(_ event: EdgeEvent, chip: String, lineName: String, utcNanoseconds: Int64) -> String {
        let seconds = event.timestamp.nanoseconds / 1_000_000_000
        let fraction = String(event.timestamp.nanoseconds % 1_000_000_000).leftPadded(to: 9)
        let kind = event.kind == .rising ? "rising" : "falling"
        return "\(seconds).\(fraction) \(UTCText.string(utcNanoseconds)) \(chip) \(event.offset) \(lineName) \(kind)\n"
    }
}

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
