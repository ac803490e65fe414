import Foundation
import Profiles
import Testing

/// Each `Fixtures/invalid/<case>.yaml|json` must fail with exactly the diagnostics in
/// `<case>.expected`, one per line, in file order.
@Suite("Invalid profiles")
struct InvalidFixtureTests {
    @Test("diagnostics match the .expected file", arguments: Fixtures.invalidCases)
    func diagnosticsMatch(_ name: String) throws {
        let source = Fixtures.invalid.appendingPathComponent(name)
        let expectedURL = source.deletingPathExtension().appendingPathExtension("expected")
        let expected = try Fixtures.text(expectedURL).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        #expect(!expected.isEmpty, "\(expectedURL.lastPathComponent) is empty")

        let diagnostics = try #require(Self.diagnostics(text: Fixtures.text(source), path: name))
        #expect(diagnostics.map(\.description) == expected)
    }

    @Test("there are enough cases, and every case has an .expected file")
    func casesAreComplete() {
        let cases = Fixtures.invalidCases
        #expect(cases.count >= 25)
        let bases = cases.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        #expect(Set(bases).count == bases.count, "two cases share a name")
        for base in bases {
            let expected = Fixtures.invalid.appendingPathComponent(base + ".expected")
            #expect(FileManager.default.fileExists(atPath: expected.path), "missing \(base).expected")
        }
        let expectedFiles = Fixtures.names(in: Fixtures.invalid, extensions: ["expected"])
        #expect(expectedFiles.count == cases.count, "an .expected file without a case")
    }

    @Test("load(path:) reports the path it was given")
    func loadPathUsesPath() throws {
        let path = Fixtures.invalid.appendingPathComponent("board.yaml").path
        do {
            _ = try ProfileLoader.load(path: path)
            Issue.record("board.yaml loaded")
        } catch {
            guard case .invalid(let diagnostics) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?.file == path)
            #expect(diagnostics.first?.description.hasPrefix("\(path):3:10: error: gateway.board: ") == true)
        }
    }

    /// The diagnostics of an invalid profile, or nil (and a recorded issue) if it loaded.
    static func diagnostics(text: String, path: String) -> [Diagnostic]? {
        do {
            _ = try ProfileLoader.load(text: text, path: path)
            Issue.record("\(path) loaded without errors")
            return nil
        } catch {
            switch error {
            case .invalid(let diagnostics):
                return diagnostics
            case .unreadable(let path, let reason):
                Issue.record("unreadable \(path): \(reason)")
                return nil
            }
        }
    }
}
