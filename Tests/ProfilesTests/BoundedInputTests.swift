import Foundation
import Testing

@testable import Profiles

/// Hostile or odd files end in one located error, quickly and in little memory:
/// no text makes reading a profile crash, hang or grow without bound.
@Suite("Bounded input")
struct BoundedInputTests {
    static let rest = "gateway:\n  id: t\ninputs:\n  - id: door\n    gpio: { line: 17 }\n"

    /// The diagnostics of `text`, and how long loading took.
    static func timedDiagnostics(_ text: String, path: String) -> ([String], Duration) {
        let clock = ContinuousClock()
        var diagnostics: [String] = []
        let elapsed = clock.measure {
            diagnostics = InvalidFixtureTests.diagnostics(text: text, path: path)?.map(\.description) ?? []
        }
        return (diagnostics, elapsed)
    }

    /// Nine anchors, each a list of ten of the one before: 10^9 nodes when written out.
    static var billionLaughs: String {
        var text = "a0: &a0 [" + Array(repeating: "lol", count: 10).joined(separator: ", ") + "]\n"
        for level in 1...8 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text + rest
    }

    @Test("billion laughs: refused at the alias that passes the budget, at once")
    func billionLaughs() {
        let (diagnostics, elapsed) = Self.timedDiagnostics(Self.billionLaughs, path: "laughs.yaml")
        // a1 adds 10 × 11 nodes, a2 10 × 111, a3 1111 per alias: the budget goes at a3's eighth.
        let column = 10 + 5 * 7
        #expect(diagnostics == [
            "laughs.yaml:4:\(column): error: YAML limit: the alias '*a2' takes the nodes produced by aliases past "
                + "10000 (each alias counts every node it repeats, aliases inside it included)",
        ])
        #expect(elapsed < .seconds(3))
    }

    @Test("a large value repeated by aliases is refused once the repeated text passes 1 MiB")
    func repeatedLargeValue() {
        var text = "gateway:\n  id: t\n  note: &big \"\(String(repeating: "v", count: 300_000))\"\ninputs:\n"
        for _ in 0..<5 { text += "  - id: *big\n" }
        let (diagnostics, elapsed) = Self.timedDiagnostics(text, path: "big.yaml")
        // 300,000 bytes per alias: the fourth passes 1,048,576.
        #expect(diagnostics.last == "big.yaml:8:9: error: YAML limit: the alias '*big' takes the text repeated by aliases "
            + "past 1048576 bytes (each alias counts the text of everything it repeats)", "\(diagnostics.map { $0.prefix(300) })")
        #expect(elapsed < .seconds(3))
    }

    @Test("a 100 KB key with thousands of duplicate children: every message quotes 64 characters of it")
    func longKeyInPaths() {
        let key = String(repeating: "k", count: 100_000)
        let members = Array(repeating: #""x": 1"#, count: 2_000).joined(separator: ", ")
        let (diagnostics, elapsed) = Self.timedDiagnostics(#"{"gateway": {"id": "t"}, "\#(key)": {\#(members)}}"#, path: "keys.json")
        #expect(diagnostics.count > 1)
        #expect(diagnostics.allSatisfy { $0.utf8.count < 1_000 }, "\(diagnostics.map { $0.utf8.count }.max() ?? 0) bytes")
        #expect(diagnostics.contains { $0.contains(String(repeating: "k", count: 64) + "... (100000 bytes)") }, "\(diagnostics.prefix(3))")
        #expect(elapsed < .seconds(3))
    }

    @Test("aliases within the budget load, and an alias used through merge keys counts")
    func aliasesWithinBudget() throws {
        // 10 × 11 + 89 × 111 = 9989 nodes from aliases: just inside; one more *a1 is over.
        var text = "a0: &a0 [" + Array(repeating: "x", count: 10).joined(separator: ", ") + "]\n"
        text += "a1: &a1 [" + Array(repeating: "*a0", count: 10).joined(separator: ", ") + "]\n"
        text += "a2: [" + Array(repeating: "*a1", count: 89).joined(separator: ", ") + "]\n"
        let document = YAMLReader.read(text, file: "t.yaml")
        #expect(document.diagnostics.isEmpty)
        #expect(document.root != nil)
        let over = text + "a3: [*a1]\n"
        let refused = YAMLReader.read(over, file: "t.yaml")
        #expect(refused.root == nil)
        #expect(refused.diagnostics.map(\.description).first?.hasPrefix("t.yaml:4:6: error: YAML limit: the alias '*a1' takes") == true)

        let merges = "base: &base {" + (0..<50).map { "k\($0): \($0)" }.joined(separator: ", ") + "}\n"
            + (0..<200).map { "m\($0): { <<: *base }" }.joined(separator: "\n") + "\n"
        #expect(ReaderTests.yaml(merges).contains("YAML limit: the alias '*base'"))
    }

    @Test("40 KB of nested YAML lists or mappings: refused at level 257, no crash",
          arguments: [("[", 1), ("{a: ", 4), ("- ", 2)])
    func deepYAML(_ opener: String, _ width: Int) {
        let text = String(repeating: opener, count: 40_000 / opener.count)
        let (diagnostics, elapsed) = Self.timedDiagnostics(text, path: "deep.yaml")
        #expect(diagnostics == [
            "deep.yaml:1:\(256 * width + 1): error: YAML limit: lists and mappings nested deeper than 256 levels",
        ])
        #expect(elapsed < .seconds(3))
    }

    @Test("256 levels are read in both formats, 257 are not")
    func depthBoundary() {
        let yes = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        let no = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(!ReaderTests.yaml(yes).contains("error"))
        #expect(!ReaderTests.json(yes).contains("error"))
        #expect(ReaderTests.yaml(no) == "t.yaml:1:257: error: YAML limit: lists and mappings nested deeper than 256 levels")
        #expect(ReaderTests.json(no)
            == "t.json:1:257: error: JSON syntax: objects and arrays nested deeper than 256 levels")
    }

    @Test("an alias counts the depth it brings along")
    func aliasDepth() {
        let anchored = "a: &deep " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n"
        let fits = anchored + "b: " + String(repeating: "[", count: 55) + "*deep" + String(repeating: "]", count: 55) + "\n"
        let tooDeep = anchored + "b: " + String(repeating: "[", count: 56) + "*deep" + String(repeating: "]", count: 56) + "\n"
        #expect(!ReaderTests.yaml(fits).contains("error"))
        #expect(ReaderTests.yaml(tooDeep)
            == "t.yaml:2:60: error: YAML limit: the alias '*deep' nests lists and mappings deeper than 256 levels")
    }

    // MARK: Files that are not profiles

    /// `load(path:)`'s unreadable reason, or nil (and a recorded issue) otherwise.
    static func unreadableReason(_ path: String) -> String? {
        do {
            _ = try ProfileLoader.load(path: path)
            Issue.record("\(path) loaded")
        } catch {
            if case .unreadable(let reported, let reason) = error, reported == path { return reason }
            Issue.record("unexpected \(error)")
        }
        return nil
    }

    /// Outlives a load that hangs, so the test can end it.
    final class Outcome: @unchecked Sendable {
        var reason: String?
    }

    @Test("a FIFO is refused before it is opened, so loading does not wait for a writer")
    func fifo() throws {
        let directory = try LoaderTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("profile.yaml").path
        try #require(mkfifo(path, 0o600) == 0)
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            outcome.reason = Self.unreadableReason(path)
            done.signal()
        }
        if done.wait(timeout: .now() + 5) == .timedOut {
            Issue.record("loading a FIFO hangs")
            // A writer that comes and goes gives the blocked reader its end of file.
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            done.wait()
        }
        #expect(outcome.reason == "is a FIFO (named pipe), not a regular file; a profile must be a regular file")
    }

    @Test("a device is refused without reading it")
    func device() {
        // /dev/zero would never end if it were read.
        #expect(Self.unreadableReason("/dev/zero")
            == "is a character device, not a regular file; a profile must be a regular file")
    }

    @Test("a socket is refused")
    func socketFile() throws {
        let directory = try LoaderTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("s.yaml").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[offset] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)
        #expect(Self.unreadableReason(path) == "is a socket, not a regular file; a profile must be a regular file")
    }

    @Test("a file over 1 MiB is refused from its size, a file of 1 MiB is read")
    func fileSize() throws {
        let directory = try LoaderTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let large = directory.appendingPathComponent("large.yaml")
        let padding = String(repeating: "#", count: (1 << 20) - BoundedInputTests.rest.utf8.count - 1) + "\n"
        try Data((BoundedInputTests.rest + padding).utf8).write(to: large)
        #expect(throws: Never.self) { try ProfileLoader.load(path: large.path) }
        try Data((BoundedInputTests.rest + padding + "#").utf8).write(to: large)
        #expect(Self.unreadableReason(large.path)
            == "the file is 1048577 bytes, larger than the 1 MiB a profile may have")
    }

    // MARK: Byte-order mark

    @Test("a leading UTF-8 byte-order mark is accepted, and first-line columns count from after it",
          arguments: [
              ("bom.yaml", "gateway: { id: \"bad id\" }\ninputs:\n  - id: door\n    gpio: { line: 17 }\n", "1:16"),
              ("bom.json", "{\"gateway\": {\"id\": \"bad id\"}, \"inputs\": [{\"id\": \"door\", \"gpio\": {\"line\": 17}}]}", "1:20"),
          ])
    func byteOrderMark(_ name: String, _ invalid: String, _ position: String) throws {
        let directory = try LoaderTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(name)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let valid = invalid.replacingOccurrences(of: "bad id", with: "t")
        try Data(bom + Array(valid.utf8)).write(to: file)
        #expect(try ProfileLoader.load(path: file.path).gateway.id == "t")
        try Data(bom + Array(invalid.utf8)).write(to: file)
        #expect {
            _ = try ProfileLoader.load(path: file.path)
        } throws: { error in
            guard case .invalid(let diagnostics)? = error as? ProfileLoadError else { return false }
            return diagnostics.map { "\($0.line):\($0.column)" } == [position]
        }
    }

    @Test("bad UTF-8 after a byte-order mark is located from after the mark")
    func byteOrderMarkThenBadByte() throws {
        let directory = try LoaderTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("latin1.yaml")
        try Data([0xEF, 0xBB, 0xBF] + Array("id: caf".utf8) + [0xE9]).write(to: file)
        #expect {
            _ = try ProfileLoader.load(path: file.path)
        } throws: { error in
            guard case .invalid(let diagnostics)? = error as? ProfileLoadError else { return false }
            return diagnostics.map { "\($0.line):\($0.column)" } == ["1:8"]
        }
    }

    // MARK: Lengths

    @Test("a 70 KB topic prefix is refused by its length, without echoing it")
    func hugeTopicPrefix() throws {
        let prefix = String(repeating: "p", count: 70_000)
        let text = Self.rest + "mqtt:\n  topic_prefix: \(prefix)\n"
        let diagnostics = try #require(InvalidFixtureTests.diagnostics(text: text, path: "p.yaml"))
        #expect(diagnostics.map(\.description) == [
            "p.yaml:7:17: error: mqtt.topic_prefix: expected at most 1024 bytes of UTF-8, got 70000 "
                + "(see Limits in DeviceProfiles/README.md)",
        ])
    }

    @Test("ids of 64 characters and a prefix of 1024 bytes are accepted")
    func lengthBoundaries() throws {
        let id = String(repeating: "i", count: 64)
        let prefix = String(repeating: "é", count: 512)
        let text = "gateway:\n  id: \(id)\nmqtt:\n  topic_prefix: \(prefix)\ninputs:\n  - id: \(id)x\n    gpio: { line: 1 }\n"
            .replacingOccurrences(of: "\(id)x", with: "d" + id.dropFirst())
        let profile = try ProfileLoader.load(text: text, path: "b.yaml")
        #expect(profile.gateway.id == id)
        #expect(profile.mqtt.topicPrefix == prefix)
        #expect(profile.mqtt.clientID == id)
    }
}
