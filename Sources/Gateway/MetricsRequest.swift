/// What a metrics connection's bytes so far ask for. Only the request line matters: the
/// header fields are read (to find the head's end, within the bound) and ignored; a
/// body, which `GET` and `HEAD` never carry, is never read.
enum MetricsRequest: Equatable {
    /// The head has not ended yet (no empty line), within the bound.
    case incomplete
    /// `GET /metrics` (`head: false`) or `HEAD /metrics` (`head: true`); a query is ignored.
    case metrics(head: Bool)
    /// 400: no `METHOD TARGET HTTP/1.x` request line.
    case malformed
    /// 404: a path other than `/metrics`.
    case notFound
    /// 405: a method other than `GET` and `HEAD` on `/metrics`.
    case methodNotAllowed
    /// 431: no end of the head within ``maximumHeadBytes``.
    case tooLarge

    /// The request line and header fields together: far more than any scraper sends,
    /// and what a connection may hold in memory.
    static let maximumHeadBytes = 8_192

    static let path = "/metrics"

    init(head bytes: ArraySlice<UInt8>) {
        guard let end = Self.endOfHead(bytes) else {
            self = bytes.count > Self.maximumHeadBytes ? .tooLarge : .incomplete
            return
        }
        guard end - bytes.startIndex <= Self.maximumHeadBytes else {
            self = .tooLarge
            return
        }
        let firstLineEnd = bytes[..<end].firstIndex(of: UInt8(ascii: "\n")) ?? end
        var line = bytes[bytes.startIndex..<firstLineEnd]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
              parts[2].starts(with: Array("HTTP/1.".utf8)), parts[2].count == 8,
              parts[0].allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            self = .malformed
            return
        }
        var target = parts[1]
        if let query = target.firstIndex(of: UInt8(ascii: "?")) { target = target[..<query] }
        guard target.elementsEqual(Self.path.utf8) else {
            self = .notFound
            return
        }
        switch String(decoding: parts[0], as: UTF8.self) {
        case "GET": self = .metrics(head: false)
        case "HEAD": self = .metrics(head: true)
        default: self = .methodNotAllowed
        }
    }

    /// The index of the empty line's end that closes the head (`\r\n\r\n`, or a bare
    /// `\n\n` some hand-typed clients send), or nil.
    static func endOfHead(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        while let found = bytes[index...].firstIndex(of: newline) {
            var next = found + 1
            if next < bytes.endIndex, bytes[next] == carriageReturn { next += 1 }
            if next < bytes.endIndex, bytes[next] == newline { return next + 1 }
            if next >= bytes.endIndex { return nil }
            index = next
        }
        return nil
    }
}
