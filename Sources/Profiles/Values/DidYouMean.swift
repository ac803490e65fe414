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
        for candidate in candidates where candidate != word {
            let d = distance(word, candidate)
            let limit = max(1, min(3, max(word.count, candidate.count) / 3))
            guard d <= limit, d < min(word.count, candidate.count) else { continue }
            if d < best?.distance ?? Int.max { best = (candidate, d) }
        }
        return best?.candidate
    }

    /// ` (did you mean 'x'?)`, or empty.
    static func hint(for word: String, among candidates: [String]) -> String {
        suggestion(for: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    private static func normalized(_ text: String) -> String {
        String(text.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " })
    }
}
