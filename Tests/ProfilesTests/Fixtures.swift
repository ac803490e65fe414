import Foundation

/// Fixture and example files, found from this source file's path (not a bundle).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let invalid = directory.appendingPathComponent("invalid")
    static let valid = directory.appendingPathComponent("valid")
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DeviceProfiles/examples")

    /// File names in `folder` with one of `extensions`, sorted.
    static func names(in folder: URL, extensions: Set<String>) -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return all.filter { extensions.contains(URL(fileURLWithPath: $0).pathExtension) }.sorted()
    }

    /// The invalid cases: `<case>.yaml` or `<case>.json`, each with `<case>.expected`.
    static var invalidCases: [String] { names(in: invalid, extensions: ["yaml", "yml", "json"]) }

    static var exampleNames: [String] { names(in: examples, extensions: ["yaml", "yml", "json"]) }

    static func text(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }
}
