import Foundation
import Testing

@testable import Profiles

@Suite("Profile loader")
struct LoaderTests {
    static let minimal = "gateway:\n  id: t\ninputs:\n  - id: door\n    gpio: { line: 17 }\n"

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("a missing file or a directory is unreadable, not invalid")
    func unreadable() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for path in [directory.appendingPathComponent("missing.yaml").path, directory.path] {
            #expect {
                _ = try ProfileLoader.load(path: path)
            } throws: { error in
                guard case .unreadable(let reported, let reason)? = error as? ProfileLoadError else { return false }
                return reported == path && !reason.isEmpty
            }
        }
    }

    @Test("a file that is not UTF-8 is invalid at the bad byte")
    func notUTF8() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("latin1.yaml")
        var bytes = Array("gateway:\n  id: caf".utf8)
        bytes.append(0xE9)
        try Data(bytes).write(to: file)
        #expect {
            _ = try ProfileLoader.load(path: file.path)
        } throws: { error in
            guard case .invalid(let diagnostics)? = error as? ProfileLoadError else { return false }
            return diagnostics.map(\.description) == ["\(file.path):2:10: error: the file is not UTF-8 text"]
        }
    }

    @Test("reads a file from disk")
    func readsFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("gateway.yml")
        try Self.minimal.write(to: file, atomically: true, encoding: .utf8)
        let profile = try ProfileLoader.load(path: file.path)
        #expect(profile.path == file.path)
        #expect(profile.inputs.map(\.id) == ["door"])
    }

    @Test("format by extension, else by the first character", arguments: [
        ("a.json", "gateway: x", true), ("a.JSON", "", true), ("a.yaml", "{}", false), ("a.yml", "[]", false),
        ("profile", "  {\"a\": 1}", true), ("profile", "\n[1]", true), ("profile.conf", "gateway:", false),
        ("dir.json/profile", "a: 1", false),
    ])
    func format(_ path: String, _ text: String, _ json: Bool) {
        #expect(ProfileLoader.isJSON(path: path, text: text) == json)
    }

    @Test("a .json file is read as strict JSON, so YAML-only syntax is an error there")
    func jsonIsStrict() {
        let text = "{ gateway: { id: t }, inputs: [ { id: door, gpio: { line: 17 } } ] }"
        #expect(throws: ProfileLoadError.self) { try ProfileLoader.load(text: text, path: "flow.json") }
        #expect(throws: Never.self) { try ProfileLoader.load(text: text, path: "flow.yaml") }
    }

    @Test("a diagnostic renders as FILE:LINE:COLUMN: error: MESSAGE")
    func diagnosticDescription() {
        let diagnostic = Diagnostic(file: "demo.yaml", line: 12, column: 7, message: "inputs[0].gpio.bias: expected x")
        #expect(diagnostic.description == "demo.yaml:12:7: error: inputs[0].gpio.bias: expected x")
        #expect(ProfileLoadError.invalid([diagnostic, diagnostic]).description.split(separator: "\n").count == 2)
        #expect(ProfileLoadError.unreadable(path: "p", reason: "gone").description == "p: error: cannot read profile: gone")
    }

    @Test("diagnostics come in file order")
    func fileOrder() throws {
        let text = """
        inputs:
          - id: door
            gpio: { line: 17, bias: up }
        gateway:
          id: "bad id"
        """
        let diagnostics = try #require(InvalidFixtureTests.diagnostics(text: text, path: "order.yaml"))
        #expect(diagnostics.map(\.line) == [3, 5])
    }

    @Test("CRLF line ends count as one line")
    func crlf() throws {
        let text = "gateway:\r\n  id: t\r\ninputs:\r\n  - id: door\r\n    gpio: { line: 17, bias: up }\r\n"
        let diagnostics = try #require(InvalidFixtureTests.diagnostics(text: text, path: "crlf.yaml"))
        #expect(diagnostics.map { "\($0.line):\($0.column)" } == ["5:29"])
        let json = "{\r\n\"gateway\": {\"id\": \"t\"},\r\n\"inputs\": [{\"id\": \"d\", \"gpio\": {\"line\": 17, \"bias\": \"up\"}}]\r\n}"
        let jsonDiagnostics = try #require(InvalidFixtureTests.diagnostics(text: json, path: "crlf.json"))
        #expect(jsonDiagnostics.map { "\($0.line):\($0.column)" } == ["3:53"])
    }
}
