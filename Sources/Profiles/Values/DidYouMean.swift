/// Suggestions for misspelt names: `brokr` → `broker`, `pullup` → `pull-up`.
public enum DidYouMean {
    /// Optimal string alignment distance (Levenshtein plus swaps of neighbours),
    /// ignoring letter case.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var before = [Int](repeating: 0, count: y.count + 1)
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    best = min(best, before[j - 2] + 1)
                }
                current[j] = best
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[y.count]
    }

    /// The candidate `word` most likely meant, or nil if none is close.
    ///
    /// A candidate that differs only in case, `-`, `_` or spaces always matches; otherwise
    /// the closest one within a third of its length (at least 1, at most 3 edits) does,
    /// unless the edits would replace the whole word.
    public static func suggestion(for word: String, among candidates: [String]) -> String? {
        let key = normalized(word)
        if let exact = candidates.first(where: { normalized($0) == key && $0 != word }) { return exact }
        var best: (candidate: String, distance: Int)?
        let wordCount = word.count
        let compared = Array(word.lowercased())
        for candidate in candidates where candidate != word {
            let limit = max(1, min(3, max(wordCount, candidate.count) / 3))
            guard let d = distance(compared, Array(candidate.lowercased()), atMost: limit),
                  d < min(wordCount, candidate.count) else { continue }
            if d < best?.distance ?? Int.max { best = (candidate, d) }
        }
        return best?.candidate
    }

    /// ``distance(_:_:)`` of lowercased text if it is at most `limit`, else nil.
    ///
    /// A suggestion is at most 3 edits away, and the candidates can be the profile's own
    /// ids, thousands of them, so only what can end within `limit` is computed: nothing if
    /// the lengths differ by more, else the cells within `limit` of the diagonal (any
    /// other is further), stopping at a row with none within `limit` (a transposition
    /// skips a row, but the cell it skips is at most one more than where it starts).
    static func distance(_ x: [Character], _ y: [Character], atMost limit: Int) -> Int? {
        guard abs(x.count - y.count) <= limit else { return nil }
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        // Every value over `limit` is kept as `limit + 1`: only whether it fits matters.
        let over = limit + 1
        var before = [Int](repeating: over, count: y.count + 1)
        var previous = (0...y.count).map { min($0, over) }
        var current = [Int](repeating: over, count: y.count + 1)
        for i in 1...x.count {
            let low = max(1, i - limit), high = min(y.count, i + limit)
            current[0] = min(i, over)
            current[low - 1] = low == 1 ? current[0] : over
            var rowMinimum = current[low - 1]
            for j in low...high {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    best = min(best, before[j - 2] + 1)
                }
                current[j] = min(best, over)
                rowMinimum = min(rowMinimum, current[j])
            }
            // The next row reads one cell past this row's band.
            if high < y.count { current[high + 1] = over }
            guard rowMinimum <= limit else { return nil }
            (before, previous, current) = (previous, current, before)
        }
        let d = previous[y.count]
        return d <= limit ? d : nil
    }

    /// ` (did you mean 'x'?)`, or empty.
    static func hint(for word: String, among candidates: [String]) -> String {
        suggestion(for: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    private static func normalized(_ text: String) -> String {
        String(text.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
    }
}
