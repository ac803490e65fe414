/// An executable, private, file-backed mapping of `/proc/PID/smaps` without anonymous pages.
struct CodeMapping: Equatable {
    let start: UInt
    let length: Int

    /// The mappings of an smaps text that hold only clean code pages.
    static func clean(in smaps: String) -> [CodeMapping] {
        var found: [CodeMapping] = []
        var candidate: CodeMapping?
        for line in smaps.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let range = fields.first.flatMap(addressRange) {
                candidate = isCode(fields) ? CodeMapping(start: range.start, length: range.length) : nil
            } else if let current = candidate, fields.count >= 2, fields[0] == "Anonymous:" {
                if fields[1] == "0" { found.append(current) }
                candidate = nil
            }
        }
        return found
    }

    /// `START-END` in hex: the first field of a mapping's header line (the other lines of
    /// its block start with a field name).
    private static func addressRange(_ field: Substring) -> (start: UInt, length: Int)? {
        let bounds = field.split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
              end > start else { return nil }
        return (start, Int(end - start))
    }

    /// `START-END r-xp OFFSET DEV INODE /PATH`: private, executable, of a file.
    private static func isCode(_ fields: [Substring]) -> Bool {
        fields.count >= 6 && fields[1] == "r-xp" && fields[4] != "0" && fields[5].hasPrefix("/")
    }
}
