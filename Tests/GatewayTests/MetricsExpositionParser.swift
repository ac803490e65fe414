import Foundation

/// The exposition as Prometheus's own Python client library reads it
/// (`prometheus_client.parser`, Debian's python3-prometheus-client): a real parser,
/// so a malformed line, a bad escape or a sample outside its family fails the test.
enum MetricsExpositionParser {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct Family {
        var name: String
        var type: String
        var help: String
        var samples: [Sample]
    }

    /// Debian's interpreter first: a python3 earlier on the PATH (pyenv, a venv) does
    /// not see the apt package.
    static var python: String? {
        ["/usr/bin/python3", "/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let script = """
    import json, sys
    from prometheus_client.parser import text_string_to_metric_families
    text = open(sys.argv[1], encoding="utf-8").read()
    out = []
    for family in text_string_to_metric_families(text):
        out.append({"name": family.name, "type": family.type, "help": family.documentation,
                    "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples]})
    print(json.dumps(out))
    """

    /// Families by name (the parser names a counter without its `_total`).
    static func parse(_ text: String) throws -> [String: Family] {
        guard let python else { throw TestFailure("no /usr/bin/python3 for prometheus_client") }
        let directory = TestEnvironment.temporaryDirectory()
        let file = directory.appendingPathComponent("metrics.txt")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try run(python, ["-c", script, file.path])
        guard result.status == 0 else {
            throw TestFailure("prometheus_client refused the exposition: \(result.error)\n\(text)")
        }
        guard let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]] else {
            throw TestFailure("unexpected parser output: \(result.output)")
        }
        var families: [String: Family] = [:]
        for entry in json {
            let samples = (entry["samples"] as? [[String: Any]] ?? []).map { sample in
                Sample(name: sample["name"] as? String ?? "", labels: sample["labels"] as? [String: String] ?? [:],
                       value: (sample["value"] as? NSNumber)?.doubleValue ?? .nan)
            }
            let name = entry["name"] as? String ?? ""
            families[name] = Family(name: name, type: entry["type"] as? String ?? "", help: entry["help"] as? String ?? "",
                                    samples: samples)
        }
        return families
    }

    /// Whether prometheus_client can be imported here.
    static var available: Bool {
        guard let python, let result = try? run(python, ["-c", "import prometheus_client.parser"]) else { return false }
        return result.status == 0
    }
}
