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
public final class LibgpiodV1Chip: GPIOChip {
    let handle: LibgpiodV1ChipHandle
    private var api: sg_gpiod_v1_api { handle.api }
    /// The device path it was opened from.
    public let path: String
    public let name: String
    public let label: String
    public let lineCount: Int

    /// Opens a chip; libgpiod must have been loaded as API v1 (``Libgpiod``).
    init(path: String) throws(GPIOError) {
        let api = sg_gpiod_v1().pointee
        guard let pointer = api.chip_open(path) else {
            throw LibgpiodFailure.error(.openChip, errno: errno, subject: "cannot open \(path)")
        }
        handle = LibgpiodV1ChipHandle(pointer, api: api)
        self.path = path
        name = String(cString: api.chip_name(pointer))
        label = String(cString: api.chip_label(pointer))
        lineCount = Int(api.chip_num_lines(pointer))
    }

    /// The libgpiod line object for an offset (line info refreshed from the kernel).
    func line(_ offset: UInt32) throws(GPIOError) -> OpaquePointer {
        guard Int(offset) < lineCount else {
            throw GPIOError(.lineNotFound, "\(name) (\(label)) has no line \(offset); it has \(lineCount) lines")
        }
        guard let line = api.chip_get_line(handle.pointer, offset) else {
            throw LibgpiodFailure.error(.getLine, errno: errno, subject: "\(name) line \(offset)")
        }
        return line
    }

    public func lineName(offset: UInt32) -> String? {
        // A line that cannot be read has no name to match: lookups by name then fail
        // with "no line named", and `lineInfo` reports the real error.
        guard let line = try? line(offset), let text = api.line_name(line) else { return nil }
        let name = String(cString: text)
        return name.isEmpty ? nil : name
    }

    public func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo {
        let line = try line(offset)
        let name = api.line_name(line).map { String(cString: $0) }
        let consumer = api.line_consumer(line).map { String(cString: $0) }
        let bias: Bias
        switch Int(api.line_bias(line)) {
        case SG_GPIOD_V1_LINE_BIAS_DISABLE: bias = .disabled
        case SG_GPIOD_V1_LINE_BIAS_PULL_UP: bias = .pullUp
        case SG_GPIOD_V1_LINE_BIAS_PULL_DOWN: bias = .pullDown
        default: bias = .asIs
        }
        let drive: GPIOLineInfo.Drive = api.line_is_open_drain(line) ? .openDrain
            : api.line_is_open_source(line) ? .openSource : .pushPull
        return GPIOLineInfo(
            offset: offset,
            name: name.flatMap { $0.isEmpty ? nil : $0 },
            consumer: consumer.flatMap { $0.isEmpty ? nil : $0 },
            used: api.line_is_used(line),
            direction: Int(api.line_direction(line)) == SG_GPIOD_V1_LINE_DIRECTION_OUTPUT ? .output : .input,
            activeLow: Int(api.line_active_state(line)) == SG_GPIOD_V1_LINE_ACTIVE_STATE_LOW,
            bias: bias,
            drive: drive)
    }

    /// Requests lines. In the v1 API every line of a kernel request shares one
    /// configuration, so each line is requested on its own; the returned request holds
    /// them together. At most one line of a request may detect edges (its event
    /// descriptor is the request's ``GPIOLineRequest/fileDescriptor``); request
    /// edge-detecting lines one per request. Kernel debounce is not in the v1 API.
    public func request(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest {
        if let problem = Self.problem(with: lines, chipName: name) { throw problem }
        var requested: [LibgpiodV1LineRequest.Member] = []
        for config in lines {
            let line: OpaquePointer
            do {
                line = try self.line(config.offset)
                try reserve(line, config, consumer: consumer)
            } catch {
                for member in requested { api.line_release(member.line) }
                throw error
            }
            requested.append(.init(config: config, line: line))
        }
        do {
            return try LibgpiodV1LineRequest(chip: handle, chipName: name, members: requested)
        } catch {
            for member in requested { api.line_release(member.line) }
            throw error
        }
    }

    /// Why the v1 API cannot make this request, before any line is touched; nil if it can.
    static func problem(with lines: [LineConfig], chipName name: String) -> GPIOError? {
        guard !lines.isEmpty else { return GPIOError(.lineNotFound, "a request needs at least one line") }
        var seen = Set<UInt32>()
        for config in lines where !seen.insert(config.offset).inserted {
            return GPIOError(.busy, "\(name) line \(config.offset) appears twice in one request")
        }
        if let debounced = lines.first(where: { $0.kernelDebounce != nil }) {
            return GPIOError(.unsupported, "\(name) line \(debounced.offset): kernel debounce needs libgpiod 2 (API v2, Debian 13 or Raspberry Pi OS trixie); this system has libgpiod 1 (API v1); use the software `debounce:` instead")
        }
        let edgeLines = lines.filter(\.detectsEdges)
        guard edgeLines.count <= 1 else {
            return GPIOError(.unsupported, "the libgpiod v1 backend reads edges of one line per request; request lines \(edgeLines.map { "\($0.offset)" }.joined(separator: ", ")) separately")
        }
        return nil
    }

    private func reserve(_ line: OpaquePointer, _ config: LineConfig, consumer: String) throws(GPIOError) {
        var flags: Int32 = 0
        if config.activeLow { flags |= Int32(SG_GPIOD_V1_LINE_REQUEST_FLAG_ACTIVE_LOW) }
        let requestType: Int32
        var initial: Int32 = 0
        switch config.direction {
        case .input(let edge, let bias):
            switch bias {
            case .asIs: break
            case .disabled: flags |= Int32(SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_DISABLE)
            case .pullUp: flags |= Int32(SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_PULL_UP)
            case .pullDown: flags |= Int32(SG_GPIOD_V1_LINE_REQUEST_FLAG_BIAS_PULL_DOWN)
            }
            switch edge {
            case .none: requestType = Int32(SG_GPIOD_V1_LINE_REQUEST_DIRECTION_INPUT)
            case .rising: requestType = Int32(SG_GPIOD_V1_LINE_REQUEST_EVENT_RISING_EDGE)
            case .falling: requestType = Int32(SG_GPIOD_V1_LINE_REQUEST_EVENT_FALLING_EDGE)
            case .both: requestType = Int32(SG_GPIOD_V1_LINE_REQUEST_EVENT_BOTH_EDGES)
            }
        case .output(let value):
            requestType = Int32(SG_GPIOD_V1_LINE_REQUEST_DIRECTION_OUTPUT)
            initial = value ? 1 : 0
        }
        let api = self.api
        let result = consumer.withCString { text -> Int32 in
            var request = sg_gpiod_v1_line_request_config(consumer: text, request_type: requestType, flags: flags)
            return api.line_request(line, &request, initial)
        }
        if result < 0 {
            throw LibgpiodFailure.error(.request, errno: errno, subject: "cannot request \(name) line \(config.offset)")
        }
    }
}
