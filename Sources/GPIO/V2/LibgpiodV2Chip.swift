#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CGPIOD
import SensorgateCore

/// A kernel gpiochip opened through libgpiod 2 (API v2, the kernel's GPIO uAPI v2).
///
/// Not thread-safe, like libgpiod itself: use a chip and its requests from one thread
/// (the gateway's event loop). In API v2 a line request owns its own descriptor and
/// outlives the chip it came from, so closing the chip (dropping this object) leaves
/// requests working.
public final class LibgpiodV2Chip: GPIOChip {
    private let pointer: OpaquePointer
    private let api: sg_gpiod_v2_api
    public let path: String
    public let name: String
    public let label: String
    public let lineCount: Int

    /// Opens a chip; libgpiod must have been loaded as API v2 (``Libgpiod``).
    init(path: String) throws(GPIOError) {
        let api = sg_gpiod_v2().pointee
        guard let pointer = api.chip_open(path) else {
            throw LibgpiodFailure.error(.openChip, errno: errno, subject: "cannot open \(path)")
        }
        guard let info = api.chip_get_info(pointer) else {
            let code = errno
            api.chip_close(pointer)
            throw LibgpiodFailure.error(.chipInfo, errno: code, subject: "cannot read the chip info of \(path)")
        }
        defer { api.chip_info_free(info) }
        self.pointer = pointer
        self.api = api
        self.path = path
        name = String(cString: api.chip_info_get_name(info))
        label = String(cString: api.chip_info_get_label(info))
        lineCount = api.chip_info_get_num_lines(info)
    }

    deinit { api.chip_close(pointer) }

    /// Runs `body` on a line's info snapshot (freed afterwards).
    private func withLineInfo<T>(_ offset: UInt32, _ body: (OpaquePointer) -> T) throws(GPIOError) -> T {
        guard Int(offset) < lineCount else {
            throw GPIOError(.lineNotFound, "\(name) (\(label)) has no line \(offset); it has \(lineCount) lines")
        }
        guard let info = api.chip_get_line_info(pointer, offset) else {
            throw LibgpiodFailure.error(.lineInfo, errno: errno, subject: "\(name) line \(offset)")
        }
        defer { api.line_info_free(info) }
        return body(info)
    }

    public func lineName(offset: UInt32) -> String? {
        // A line whose info cannot be read has no name to match: lookups by name then
        // fail with "no line named", and `lineInfo` reports the real error.
        let api = self.api
        let name = try? withLineInfo(offset) { info in api.line_info_get_name(info).map { String(cString: $0) } }
        return name.flatMap { $0 }.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func lineInfo(offset: UInt32) throws(GPIOError) -> GPIOLineInfo {
        let api = self.api
        return try withLineInfo(offset) { info in
            let name = api.line_info_get_name(info).map { String(cString: $0) }
            let consumer = api.line_info_get_consumer(info).map { String(cString: $0) }
            let bias: Bias
            switch Int(api.line_info_get_bias(info)) {
            case SG_GPIOD_V2_LINE_BIAS_DISABLED: bias = .disabled
            case SG_GPIOD_V2_LINE_BIAS_PULL_UP: bias = .pullUp
            case SG_GPIOD_V2_LINE_BIAS_PULL_DOWN: bias = .pullDown
            default: bias = .asIs
            }
            let drive: GPIOLineInfo.Drive
            switch Int(api.line_info_get_drive(info)) {
            case SG_GPIOD_V2_LINE_DRIVE_OPEN_DRAIN: drive = .openDrain
            case SG_GPIOD_V2_LINE_DRIVE_OPEN_SOURCE: drive = .openSource
            default: drive = .pushPull
            }
            let debounce = api.line_info_get_debounce_period_us(info)
            return GPIOLineInfo(
                offset: offset,
                name: name.flatMap { $0.isEmpty ? nil : $0 },
                consumer: consumer.flatMap { $0.isEmpty ? nil : $0 },
                used: api.line_info_is_used(info),
                direction: Int(api.line_info_get_direction(info)) == SG_GPIOD_V2_LINE_DIRECTION_OUTPUT ? .output : .input,
                activeLow: api.line_info_is_active_low(info),
                bias: bias,
                drive: drive,
                debouncePeriod: debounce == 0 ? nil : .microseconds(Int(clamping: debounce)))
        }
    }

    /// Requests lines in one kernel request, each with its own settings (API v2 allows
    /// that): several edge-detecting lines share the request's one descriptor, and the
    /// kernel buffers ``LibgpiodV2LineRequest/kernelEventBufferSize`` events for them.
    public func request(_ lines: [LineConfig], consumer: String) throws(GPIOError) -> any GPIOLineRequest {
        guard !lines.isEmpty else { throw GPIOError(.lineNotFound, "a request needs at least one line") }
        var seen = Set<UInt32>()
        for config in lines {
            guard seen.insert(config.offset).inserted else {
                throw GPIOError(.busy, "\(name) line \(config.offset) appears twice in one request")
            }
            guard Int(config.offset) < lineCount else {
                throw GPIOError(.lineNotFound, "\(name) (\(label)) has no line \(config.offset); it has \(lineCount) lines")
            }
        }
        guard let requestConfig = api.request_config_new() else {
            throw LibgpiodFailure.error(.configure, errno: errno, subject: "\(name): cannot allocate a request config")
        }
        defer { api.request_config_free(requestConfig) }
        api.request_config_set_consumer(requestConfig, consumer)
        api.request_config_set_event_buffer_size(requestConfig, LibgpiodV2LineRequest.kernelEventBufferSize)

        guard let lineConfig = api.line_config_new() else {
            throw LibgpiodFailure.error(.configure, errno: errno, subject: "\(name): cannot allocate a line config")
        }
        defer { api.line_config_free(lineConfig) }
        for config in lines {
            try add(config, to: lineConfig)
        }
        guard let request = api.chip_request_lines(pointer, requestConfig, lineConfig) else {
            let code = errno
            let offsets = lines.map { "\($0.offset)" }.joined(separator: ", ")
            throw LibgpiodFailure.error(.request, errno: code,
                                        subject: "cannot request \(name) line\(lines.count == 1 ? "" : "s") \(offsets)")
        }
        return try LibgpiodV2LineRequest(request, api: api, chipName: name, lines: lines)
    }

    /// One line's settings, added to the line config.
    private func add(_ config: LineConfig, to lineConfig: OpaquePointer) throws(GPIOError) {
        guard let settings = api.line_settings_new() else {
            throw LibgpiodFailure.error(.configure, errno: errno, subject: "\(name): cannot allocate line settings")
        }
        defer { api.line_settings_free(settings) }
        var results: [Int32] = []
        switch config.direction {
        case .input(let edge, let bias):
            results.append(api.line_settings_set_direction(settings, Int32(SG_GPIOD_V2_LINE_DIRECTION_INPUT)))
            let edgeValue: Int
            switch edge {
            case .none: edgeValue = SG_GPIOD_V2_LINE_EDGE_NONE
            case .rising: edgeValue = SG_GPIOD_V2_LINE_EDGE_RISING
            case .falling: edgeValue = SG_GPIOD_V2_LINE_EDGE_FALLING
            case .both: edgeValue = SG_GPIOD_V2_LINE_EDGE_BOTH
            }
            results.append(api.line_settings_set_edge_detection(settings, Int32(edgeValue)))
            let biasValue: Int
            switch bias {
            case .asIs: biasValue = SG_GPIOD_V2_LINE_BIAS_AS_IS
            case .disabled: biasValue = SG_GPIOD_V2_LINE_BIAS_DISABLED
            case .pullUp: biasValue = SG_GPIOD_V2_LINE_BIAS_PULL_UP
            case .pullDown: biasValue = SG_GPIOD_V2_LINE_BIAS_PULL_DOWN
            }
            results.append(api.line_settings_set_bias(settings, Int32(biasValue)))
            if let debounce = config.kernelDebounce {
                api.line_settings_set_debounce_period_us(settings, Self.microseconds(debounce))
            }
            // Stamps on the monotonic clock, the time line of the whole gateway; said
            // explicitly rather than trusting the library's default.
            results.append(api.line_settings_set_event_clock(settings, Int32(SG_GPIOD_V2_LINE_CLOCK_MONOTONIC)))
        case .output(let initial):
            if config.kernelDebounce != nil {
                throw GPIOError(.unsupported, "\(name) line \(config.offset): kernel debounce applies to inputs only")
            }
            results.append(api.line_settings_set_direction(settings, Int32(SG_GPIOD_V2_LINE_DIRECTION_OUTPUT)))
            let value = initial ? SG_GPIOD_V2_LINE_VALUE_ACTIVE : SG_GPIOD_V2_LINE_VALUE_INACTIVE
            results.append(api.line_settings_set_output_value(settings, Int32(value)))
        }
        api.line_settings_set_active_low(settings, config.activeLow)
        if results.contains(where: { $0 < 0 }) {
            throw LibgpiodFailure.error(.configure, errno: errno, subject: "\(name) line \(config.offset): invalid settings")
        }
        var offset = config.offset
        if api.line_config_add_line_settings(lineConfig, &offset, 1, settings) < 0 {
            throw LibgpiodFailure.error(.configure, errno: errno, subject: "\(name) line \(config.offset): cannot add its settings")
        }
    }

    /// The uAPI's debounce period is in whole microseconds; a period that is not is
    /// rounded up, so the line is never debounced for less than asked.
    static func microseconds(_ interval: Interval) -> UInt {
        guard interval.nanoseconds > 0 else { return 0 }
        return UInt((interval.nanoseconds + 999) / 1_000)
    }
}
