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
        let text: String
        switch readFile(path) {
        case .success(let bytes):
            switch decodeUTF8(bytes) {
            case .success(let decoded):
                text = decoded
            case .failure(let location):
                throw .invalid([Diagnostic(file: path, line: location.line, column: location.column,
                                           message: "the file is not UTF-8 text")])
            }
        case .failure(let failure):
            throw .unreadable(path: path, reason: failure.reason)
        }
        return try load(text: text, path: path)
    }

    /// Validates text; `path` is used in diagnostics and to pick YAML vs JSON.
    public static func load(text: String, path: String) throws(ProfileLoadError) -> Profile {
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

    /// Profiles are small; anything over this is not one.
    static let maximumFileSize = 16 << 20

    private static func readFile(_ path: String) -> Result<[UInt8], ReadFailure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ReadFailure(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(ReadFailure(String(cString: strerror(errno)))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(ReadFailure("is a directory")) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(String(cString: strerror(errno))))
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > maximumFileSize { return .failure(ReadFailure("larger than \(maximumFileSize >> 20) MiB")) }
        }
        return .success(bytes)
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
                scalars.append(scalar)
                if scalar == "\n" && previousCR {
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
    }

    private struct SourceLocationError: Error {
        var line: Int
        var column: Int
    }
}
