import Testing

@testable import Profiles

/// The two readers build the same tree: same shape, same scalar text and style,
/// positions of the first character of each node.
@Suite("Document readers")
struct ReaderTests {
    /// A compact rendering of a tree: `{a@1:2=1@1:6}`, quoted scalars in double quotes.
    static func render(_ node: ConfigNode) -> String {
        switch node.value {
        case .scalar(let text, let style):
            return (style == .quoted ? "\"\(text)\"" : text) + "@\(node.location)"
        case .sequence(let items):
            return "[" + items.map(render).joined(separator: ",") + "]@\(node.location)"
        case .mapping(let pairs):
            return "{" + pairs.map { "\($0.key)@\($0.keyLocation)=" + render($0.value) }.joined(separator: ",") + "}@\(node.location)"
        }
    }

    static func json(_ text: String) -> String {
        let document = JSONReader.read(text, file: "t.json")
        if let first = document.diagnostics.first { return first.description }
        return document.root.map(render) ?? "nil"
    }

    static func yaml(_ text: String) -> String {
        let document = YAMLReader.read(text, file: "t.yaml")
        if let first = document.diagnostics.first { return first.description }
        return document.root.map(render) ?? "nil"
    }

    @Test("JSON and YAML flow text give the same tree")
    func sameTree() {
        let text = "{\"a\": 1, \"b\": [true, null, \"x\"], \"c\": {\"d\": -2.5e3}}"
        #expect(Self.json(text) == Self.yaml(text))
        #expect(Self.json(text) == "{a@1:2=1@1:7,b@1:10=[true@1:16,null@1:22,\"x\"@1:28]@1:15,c@1:34=" +
            "{d@1:40=-2.5e3@1:45}@1:39}@1:1")
    }

    @Test("tabs are whitespace in JSON and count one column")
    func tabs() {
        #expect(Self.json("{\n\t\"a\":\t1\n}") == "{a@2:2=1@2:7}@1:1")
    }

    @Test("JSON string escapes, including surrogate pairs")
    func escapes() {
        #expect(Self.json(#"["a\"b\\c\/d\n\t\u00e9\ud83c\udf27"]"#) == "[\"a\"b\\c/d\n\té🌧\"@1:2]@1:1")
        #expect(Self.json(#"["\ud83c"]"#) == "t.json:1:3: error: JSON syntax: unpaired surrogate in a \\u escape")
        #expect(Self.json(#"["\q"]"#) == "t.json:1:3: error: JSON syntax: invalid escape '\\q' in a string")
    }

    @Test("JSON syntax errors name what JSON expected", arguments: [
        ("{\"a\": 1,}", "1:9: error: JSON syntax: a trailing comma before '}' is not allowed in JSON"),
        ("[1, 2,]", "1:7: error: JSON syntax: a trailing comma before ']' is not allowed in JSON"),
        ("{\"a\": 1} # c", "1:10: error: JSON syntax: expected the end of the document after the top-level value, got '#'"),
        ("{'a': 1}", "1:2: error: JSON syntax: expected a key in double quotes, got \"'\" (JSON strings use double quotes)"),
        ("{\"a\" 1}", "1:6: error: JSON syntax: expected ':' after the key \"a\", got '1'"),
        ("{\"a\": 1 \"b\": 2}", "1:9: error: JSON syntax: expected ',' or '}' after the value of \"a\", got '\"'"),
        ("[1 2]", "1:4: error: JSON syntax: expected ',' or ']' after an array element, got '2'"),
        ("{\"a\": .5}", "1:7: error: JSON syntax: expected a value (object, array, string, number, true, false or null), got '.'"),
        ("{\"a\": 1.}", "1:9: error: JSON syntax: expected a digit after '.', got '}'"),
        ("{\"a\": 1e}", "1:9: error: JSON syntax: expected a digit in the exponent, got '}'"),
        ("{\"a\": 0x10}", "1:8: error: JSON syntax: unexpected 'x' in a number"),
        ("{\"a\": True}", "1:7: error: JSON syntax: expected a value, got 'True' (text must be in double quotes)"),
        ("{\"a\": nul}", "1:7: error: JSON syntax: expected a value, got 'nul' (text must be in double quotes)"),
        ("{\"a\": [1,", "1:10: error: JSON syntax: expected a value (object, array, string, number, true, false or null), got the end of the file"),
        ("{\"a\": \"x\ty\"}", "1:9: error: JSON syntax: control character U+0009 must be escaped in a JSON string"),
        ("{\"a\": 1}\n{\"b\": 2}", "2:1: error: JSON syntax: expected the end of the document after the top-level value, got '{'"),
    ])
    func jsonErrors(_ text: String, _ expected: String) {
        #expect(Self.json(text) == "t.json:" + expected)
    }

    @Test("an empty JSON or YAML document has no root and no error")
    func empty() {
        #expect(Self.json(" \n ") == "nil")
        #expect(Self.yaml("# only a comment\n") == "nil")
    }

    @Test("deep JSON nesting is refused, not a crash")
    func deepNesting() {
        let text = String(repeating: "[", count: 10_000)
        #expect(Self.json(text).contains("nested deeper than 256 levels"))
    }

    @Test("YAML keeps quoted, plain and !!str styles apart")
    func yamlStyles() {
        #expect(Self.yaml("a: 17\nb: \"17\"\nc: '17'\nd: !!str 17\ne: |\n  17\n")
            == "{a@1:1=17@1:4,b@2:1=\"17\"@2:4,c@3:1=\"17\"@3:4,d@4:1=\"17\"@4:4,e@5:1=\"17\n\"@5:4}@1:1")
    }

    @Test("YAML repeated keys are found at their second place, whatever the quoting")
    func yamlDuplicates() throws {
        let text = "a:\n  x: 1\n  'x': 2\n  \"x\": 3\nb: [{k: 1, k: 2}]\n"
        let document = YAMLReader.read(text, file: "t.yaml")
        #expect(document.diagnostics.isEmpty)
        let root = try #require(document.root)
        var diagnostics: [Diagnostic] = []
        let checked = DuplicateKeys.check(root, file: "t.yaml", into: &diagnostics)
        #expect(diagnostics.map(\.description) == [
            "t.yaml:3:3: error: a: duplicate key 'x' (first written at 2:3)",
            "t.yaml:4:3: error: a: duplicate key 'x' (first written at 2:3)",
            "t.yaml:5:12: error: b[0]: duplicate key 'k' (first written at 5:6)",
        ])
        // The first occurrence is the one kept.
        #expect(Self.render(checked).hasPrefix("{a@1:1={x@2:3=1@2:6}"))
    }

    @Test("YAML syntax errors carry libyaml's position")
    func yamlErrors() {
        #expect(Self.yaml("a:\n  b: 1\n c: 2\n") == "t.yaml:3:2: error: YAML syntax: did not find expected key (while parsing a block mapping at 1:1)")
        #expect(Self.yaml("a: [1, 2\n") .hasPrefix("t.yaml:2:1: error: YAML syntax: did not find expected ',' or ']'"))
        #expect(Self.yaml("a: *missing\n").contains("YAML syntax: found undefined alias"))
    }
}
