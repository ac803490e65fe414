/// Positions in a profile's text, counted the way libyaml counts them: lines are
/// separated by LF, CR LF, CR, NEL, LS or PS; columns count Unicode scalars.
struct SourceText {
    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    static func isBreak(_ s: Unicode.Scalar) -> Bool {
        s == "\n" || s == "\r" || s == "\u{85}" || s == "\u{2028}" || s == "\u{2029}"
    }

    /// The scalar offset of a 1-based line and column, or nil if the text is shorter.
    func offset(of location: SourceLocation) -> Int? {
        var line = 1
        var index = 0
        while line < location.line {
            guard index < scalars.count else { return nil }
            let s = scalars[index]
            index += 1
            if s == "\r", index < scalars.count, scalars[index] == "\n" { index += 1 }
            if Self.isBreak(s) { line += 1 }
        }
        let target = index + location.column - 1
        return target <= scalars.count ? target : nil
    }

    /// The 1-based line and column of a scalar offset.
    func location(ofScalarOffset offset: Int) -> SourceLocation {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, scalars.count)
        while index < end {
            let s = scalars[index]
            index += 1
            if s == "\r", index < end, scalars[index] == "\n" { index += 1 }
            if Self.isBreak(s) {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    func scalar(at location: SourceLocation) -> Unicode.Scalar? {
        guard let offset = offset(of: location), offset < scalars.count else { return nil }
        return scalars[offset]
    }
}
