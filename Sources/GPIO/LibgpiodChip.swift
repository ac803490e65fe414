#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIOD
import SensorgateCore

/// A kernel gpiochip opened through libgpiod 1.6 (API v1).
///
/// Not thread-safe, like libgpiod itself: use a chip and its requests from one thread
/// (the gateway's event loop). The chip stays open while this object or any of its
/// requests is alive; releasing the last request of a dropped chip closes it.
public final class LibgpiodChip: GPIOChip {
    let handle: ChipHandle
    /// The device path it was opened from.
    public let path: String
    public let name: String
    public let label: String
    public let lineCount: Int

    init(path: String) throws(GPIOError) {
        guard let pointer = gpiod_chip_open(path) else {
            throw LibgpiodFailure.error(.openChip, errno: errno, subject: "cannot open \(path)")
        }
        handle = ChipHandle(pointer)
        self.path = path
        name = String(cString: gpiod_chip_name(pointer))
        label = String(cString: gpiod_chip_label(pointer))
        lineCount = Int(gpiod_chip_num_lines(pointer))
    }

    /// The libgpiod line object for an offset (line info refreshed from the kernel).
    func line(_ offset: UInt32) throws(GPIOError) -> OpaquePointer {
        guard Int(offset) < lineCount else {
            throw GPIOError(.lineNotFound, "\(name) (\(label)) has no line \(offset); it has \(lineCount) lines")
        }
        guard let line = gpiod_chip_get_line(handle.pointer, offset) else {
            throw LibgpiodFailure.error(.getLine, errno: errno, subject: "\(name) line \(offset)")
        }
        return line
    }

    public func lineName(offset: UInt32) -> String? {
        guard let line = try? line(offset), let text = gpiod_line_name(line) else { return nil }
        let name = String(cString: text)
        return name.isEmpty ? nil : name
    }

    /// The offset of the first line with this kernel name.
    public func offset(ofLineNamed lineName: String) -> UInt32? {
        for offset in 0..<UInt32(lineCount) where self.lineName(offset: offset) == lineName { return offset }
        return nil
    }

    /// What the kernel reports about a line now.
    public func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo {
        let line = try line(offset)
        let name = gpiod_line_name(line).map { String(cString: $0) }
        let consumer = gpiod_line_consumer(line).map { String(cString: $0) }
        let bias: Bias
        switch Int(gpiod_line_bias(line)) {
        case GPIOD_LINE_BIAS_DISABLE: bias = .disabled
        case GPIOD_LINE_BIAS_PULL_UP: bias = .pullUp
        case GPIOD_LINE_BIAS_PULL_DOWN: bias = .pullDown
        default: bias = .asIs
        }
        let drive: GPIOLineInfo.Drive = gpiod_line_is_open_drain(line) ? .openDrain
            : gpiod_line_is_open_source(line) ? .openSource : .pushPull
        return GPIOLineInfo(
            offset: offset,
            name: name.flatMap { $0.isEmpty ? nil : $0 },
            consumer: consumer.flatMap { $0.isEmpty ? nil : $0 },
            used: gpiod_line_is_used(line),
            direction: Int(gpiod_line_direction(line)) == GPIOD_LINE_DIRECTION_OUTPUT ? .output : .input,
            activeLow: Int(gpiod_line_active_state(line)) == GPIOD_LINE_ACTIVE_STATE_LOW,
            bias: bias,
            drive: drive)
    }

    /// Requests lines. In the v1 API every line of a kernel request shares one
    /// configuration, so each line is requested on its own; the returned request holds
    /// them together. At most one line of a request may detect edges (its event
    /// descriptor is the request's ``GPIOLineRequest/fileDescriptor``); request
    /// edge-detecting lines one per request.
    public func request(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest {
        try requestLines(lines, consumer: consumer)
    }

    /// Like ``request(_:consumer:)``, with the concrete type.
    public func requestLines(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> LibgpiodLineRequest {
        guard !lines.isEmpty else { throw GPIOError(.lineNotFound, "a request needs at least one line") }
        var seen = Set<UInt32>()
        for config in lines where !seen.insert(config.offset).inserted {
            throw GPIOError(.busy, "\(name) line \(config.offset) appears twice in one request")
        }
        let edgeLines = lines.filter(\.detectsEdges)
        guard edgeLines.count <= 1 else {
            throw GPIOError(.unsupported, "the libgpiod v1 backend reads edges of one line per request; request lines \(edgeLines.map { "\($0.offset)" }.joined(separator: ", ")) separately")
        }
        var requested: [LibgpiodLineRequest.Member] = []
        for config in lines {
            let line: OpaquePointer
            do {
                line = try self.line(config.offset)
                try Self.reserve(line, config, consumer: consumer, chipName: name)
            } catch {
                for member in requested { gpiod_line_release(member.line) }
                throw error
            }
            requested.append(.init(config: config, line: line))
        }
        do {
            return try LibgpiodLineRequest(chip: handle, chipName: name, members: requested)
        } catch {
            for member in requested { gpiod_line_release(member.line) }
            throw error
        }
    }

    private static func reserve(_ line: OpaquePointer, _ config: LineConfig, consumer: String,
                                chipName: String) throws(GPIOError) {
        var flags: Int32 = 0
        if config.activeLow { flags |= Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) }
        let requestType: Int32
        var initial: Int32 = 0
        switch config.direction {
        case .input(let edge, let bias):
            switch bias {
            case .asIs: break
            case .disabled: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE)
            case .pullUp: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP)
            case .pullDown: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN)
            }
            switch edge {
            case .none: requestType = Int32(GPIOD_LINE_REQUEST_DIRECTION_INPUT)
            case .rising: requestType = Int32(GPIOD_LINE_REQUEST_EVENT_RISING_EDGE)
            case .falling: requestType = Int32(GPIOD_LINE_REQUEST_EVENT_FALLING_EDGE)
            case .both: requestType = Int32(GPIOD_LINE_REQUEST_EVENT_BOTH_EDGES)
            }
        case .output(let value):
            requestType = Int32(GPIOD_LINE_REQUEST_DIRECTION_OUTPUT)
            initial = value ? 1 : 0
        }
        let result = consumer.withCString { text -> Int32 in
            var request = gpiod_line_request_config(consumer: text, request_type: requestType, flags: flags)
            return gpiod_line_request(line, &request, initial)
        }
        if result < 0 {
            throw LibgpiodFailure.error(.request, errno: errno, subject: "cannot request \(chipName) line \(config.offset)")
        }
    }
}

extension LineConfig {
    /// Whether the kernel reports edges of this line.
    var detectsEdges: Bool {
        if case .input(let edge, _) = direction { return edge != .none }
        return false
    }
}
