import Testing

@testable import Profiles

/// Profiles whose reading once cost the square of their size: a few hundred KB, far
/// under the 1 MiB a profile may have, took minutes. Each now loads in a moment, and
/// says what it said before.
@Suite("Bounded work")
struct BoundedWorkTests {
    /// How long `work` took.
    static func timed(_ work: () -> Void) -> Duration {
        ContinuousClock().measure(work)
    }

    /// `{k0: v, k1: v, ...}`
    static func flowMapping(_ prefix: String, _ count: Int, value: String) -> String {
        "{" + (0..<count).map { "\(prefix)\($0): \(value)" }.joined(separator: ", ") + "}"
    }

    static func keys(_ node: ConfigNode?) -> [String] {
        guard case .mapping(let pairs)? = node?.value else { return [] }
        return pairs.map(\.key)
    }

    static func value(_ node: ConfigNode?, _ key: String) -> String? {
        guard case .mapping(let pairs)? = node?.value else { return nil }
        return pairs.first { $0.key == key }?.value.scalarText
    }

    @Test("an inline mapping of 20,000 keys merged into one of 20,000 keys: linear, written keys win")
    func largeMergeIntoLargeMapping() {
        // Inline mappings cost no alias budget, so nothing else limits the keys on both sides.
        let text = "m: {<<: " + Self.flowMapping("k", 20_000, value: "merged") + ", "
            + (10_000..<30_000).map { "k\($0): written" }.joined(separator: ", ") + "}\n"
        var document: ParsedDocument?
        let elapsed = Self.timed { document = YAMLReader.read(text, file: "t.yaml") }
        #expect(elapsed < .seconds(3))
        #expect(document?.diagnostics.isEmpty == true)
        guard case .mapping(let top)? = document?.root?.value, let merged = top.first?.value else {
            Issue.record("no mapping")
            return
        }
        #expect(Self.keys(merged).count == 30_000)
        #expect(Self.value(merged, "k0") == "merged")
        #expect(Self.value(merged, "k10000") == "written")
        #expect(Self.value(merged, "k29999") == "written")
    }

    @Test("a list of large inline mappings merged: linear, earlier mappings win")
    func largeMergeList() {
        let text = "m: {<<: [" + Self.flowMapping("k", 20_000, value: "first") + ", "
            + Self.flowMapping("k", 25_000, value: "second") + "]}\n"
        var document: ParsedDocument?
        let elapsed = Self.timed { document = YAMLReader.read(text, file: "t.yaml") }
        #expect(elapsed < .seconds(3))
        guard case .mapping(let top)? = document?.root?.value, let merged = top.first?.value else {
            Issue.record("no mapping")
            return
        }
        #expect(Self.keys(merged).count == 25_000)
        #expect(Self.value(merged, "k19999") == "first")
        #expect(Self.value(merged, "k20000") == "second")
    }

    @Test("400 unknown simulation ids among 400 inputs: the first ten get a suggestion, quickly")
    func manyUnknownSimulationIDs() throws {
        // Ids of the longest length allowed, so that no suggestion is ruled out by length.
        func id(_ n: Int) -> String {
            let digits = String(n)
            return "i" + String(repeating: "d", count: 62 - digits.count) + digits
        }
        var text = "gateway:\n  id: g\ninputs:\n"
        for n in 0..<400 { text += "  - {id: \(id(n)), gpio: {line: \(n)}}\n" }
        text += "simulation:\n"
        for n in 0..<400 { text += "  x\(id(n).dropFirst()): {signal: square}\n" }
        var diagnostics: [Diagnostic]?
        let elapsed = Self.timed { diagnostics = InvalidFixtureTests.diagnostics(text: text, path: "t.yaml") }
        #expect(elapsed < .seconds(3))
        let unknown = try #require(diagnostics).filter { $0.message.contains("unknown id") }
        #expect(unknown.count == 400)
        for (n, diagnostic) in unknown.enumerated() {
            let expectedEnd = n < 10 ? "(did you mean '\(id(n))'?)" : "expected an input id, a sensor id or seed"
            #expect(diagnostic.message.hasSuffix(expectedEnd), "\(diagnostic)")
        }
    }

    @Test("a 200 KB word is not aligned with each of 1,000 short candidates")
    func longWordAmongManyCandidates() {
        let word = String(repeating: "w", count: 200_000)
        let candidates = (0..<1_000).map { "w\($0)" }
        var suggestion: String?
        let elapsed = Self.timed { suggestion = DidYouMean.suggestion(for: word, among: candidates) }
        #expect(elapsed < .seconds(3))
        #expect(suggestion == nil)
        // Still found: within the edit limit, and in any case.
        #expect(DidYouMean.suggestion(for: "W9999", among: candidates) == "w999")
    }

    @Test("the bounded distance agrees with the full one on every pair that fits the limit")
    func boundedDistanceAgrees() {
        // A small alphabet, so that random words share letters and swap neighbours.
        var generator = SystemRandomNumberGenerator()
        func word() -> String {
            String((0..<Int.random(in: 0...9, using: &generator)).map { _ in "abc".randomElement(using: &generator)! })
        }
        for _ in 0..<5_000 {
            let a = word(), b = word()
            let full = DidYouMean.distance(a, b)
            for limit in 1...3 {
                let bounded = DidYouMean.distance(Array(a), Array(b), atMost: limit)
                #expect(bounded == (full <= limit ? full : nil), "\(a) \(b) \(limit)")
            }
        }
    }
}
