#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads device profiles: reads YAML or JSON, checks everything, applies defaults.
///
/// Nothing here touches hardware or the network; `sensorgate validate` and
/// `sensorgate run` both start here.
public enum ProfileLoader {
    /// Reads the file (.yaml/.yml/.json by extension; other extensions: sniff) and validates.
    public static func load(path: String) throws(ProfileLoadError) -> Profile {
        try load(text: readText(path), path: path)
    }

    /// The file's text, within the profile size limit and UTF-8, or why not.
    static func readText(_ path: String) throws(ProfileLoadError) -> String {
        switch readFile(path) {
        case .success(let bytes):
            switch decodeUTF8(bytes) {
            case .success(let decoded):
                return decoded
            case .failure(let location):
                throw .invalid([Diagnostic(file: path, line: location.line, column: location.column,
                                           message: "the file is not UTF-8 text")])
            }
        case .failure(let failure):
            throw .unreadable(path: path, reason: failure.reason)
        }
    }

    /// Validates text; `path` is used in diagnostics and to pick YAML vs JSON.
    public static func load(text: String, path: String) throws(ProfileLoadError) -> Profile {
        let text = withoutByteOrderMark(text)
        let document = isJSON(path: path, text: text)
            ? JSONReader.read(text, file: path)
            : YAMLReader.read(text, file: path)
        let validator = Validator(file: path)
        validator.add(document.diagnostics)
        guard let root = document.root else {
            if validator.diagnostics.isEmpty {
                validator.report(at: .start, "", "expected a profile with at least a 'gateway' section, got an empty document")
            }
            throw .invalid(sorted(validator.diagnostics))
        }
        var duplicates: [Diagnostic] = []
        let checked = DuplicateKeys.check(root, file: path, into: &duplicates)
        validator.add(duplicates)
        let profile = ProfileDecoder(validator: validator).decode(checked, path: path)
        guard let profile, validator.diagnostics.isEmpty else {
            if validator.diagnostics.isEmpty {
                validator.report(at: root.location, "", "the profile could not be decoded")
            }
            throw .invalid(sorted(validator.diagnostics))
        }
        return profile
    }

    /// In file order; problems at one place keep the order they were found in.
    private static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    // MARK: Format

    /// Editors on Windows start UTF-8 files with U+FEFF. It is no character of the
    /// profile: libyaml, told the encoding, would take it for content, and columns on the
    /// first line count from after it, as the editor shows them.
    static func withoutByteOrderMark(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.first == "\u{FEFF}" else { return text }
        return String(scalars[scalars.index(after: scalars.startIndex)...])
    }

    /// `.json` is JSON and `.yaml`/`.yml` YAML; anything else is JSON if it starts with `{` or `[`.
    static func isJSON(path: String, text: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.lastIndex(of: ".") {
            switch name[name.index(after: dot)...].lowercased() {
            case "json": return true
            case "yaml", "yml": return false
            default: break
            }
        }
        let first = text.unicodeScalars.first { !($0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{FEFF}") }
        return first == "{" || first == "["
    }

    // MARK: Files

    /// Profiles are a few KB; a file over this is not one, and reading it whole would
    /// only cost memory (DeviceProfiles/README.md, "Limits").
    static let maximumFileSize = 1 << 20

    /// The file's bytes, if it is a regular file of at most ``maximumFileSize`` bytes.
    ///
    /// The kind of file is checked before it is opened: opening a FIFO for reading
    /// waits for a writer, and a device or socket never ends, so `validate` and `run`
    /// would hang. `O_NONBLOCK` covers a FIFO put in the file's place between the check
    /// and the open, and the opened file is checked again.
    private static func readFile(_ path: String) -> Result<[UInt8], ReadFailure> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(.lastError()) }
        if let failure = refusal(info) { return .failure(failure) }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return .failure(.lastError()) }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { return .failure(.lastError()) }
        if let failure = refusal(info) { return .failure(failure) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.lastError())
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            // The file may grow after fstat.
            if bytes.count > maximumFileSize { return .failure(tooLarge(bytes.count, orMore: true)) }
        }
        return .success(bytes)
    }

    /// Why a file of this kind or size is not read, or nil to read it.
    private static func refusal(_ info: stat) -> ReadFailure? {
        let kind: String
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            guard info.st_size <= maximumFileSize else { return tooLarge(Int(info.st_size), orMore: false) }
            return nil
        case S_IFDIR: return ReadFailure("is a directory")
        case S_IFIFO: kind = "a FIFO (named pipe)"
        case S_IFCHR: kind = "a character device"
        case S_IFBLK: kind = "a block device"
        case S_IFSOCK: kind = "a socket"
        default: kind = "not a file"
        }
        return ReadFailure("is \(kind), not a regular file; a profile must be a regular file")
    }

    private static func tooLarge(_ size: Int, orMore: Bool) -> ReadFailure {
        ReadFailure("the file is \(size)\(orMore ? " or more" : "") bytes, larger than the "
                    + "\(maximumFileSize >> 20) MiB a profile may have")
    }

    /// The text, or where its first invalid UTF-8 byte is.
    private static func decodeUTF8(_ bytes: [UInt8]) -> Result<String, SourceLocationError> {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var scalars = String.UnicodeScalarView()
        var line = 1
        var column = 1
        var previousCR = false
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let isByteOrderMark = scalar == "\u{FEFF}" && scalars.isEmpty
                scalars.append(scalar)
                if isByteOrderMark {
                    // Not a column: see withoutByteOrderMark.
                } else if scalar == "\n" && previousCR {
                    // CR LF: one line break, counted at the CR.
                } else if SourceText.isBreak(scalar) {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                previousCR = scalar == "\r"
            case .emptyInput:
                return .success(String(scalars))
            case .error:
                return .failure(SourceLocationError(line: line, column: column))
            }
        }
    }

    private struct ReadFailure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }

        /// The reason of the call that just failed (`No such file or directory`).
        static func lastError() -> ReadFailure { ReadFailure(String(cString: strerror(errno))) }
    }

    private struct SourceLocationError: Error {
        var line: Int
        var column: Int
    }
}
