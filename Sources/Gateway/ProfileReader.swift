import Profiles

/// A reload's reading of the profile: what `sensorgate run` checks before it starts
/// (`sensorgate validate`'s located errors, then the files the profile names), as the
/// lines those commands print.
enum ProfileReader {
    static func read(_ path: String) -> Result<Profile, Problems> {
        let profile: Profile
        do {
            profile = try ProfileLoader.load(path: path)
        } catch {
            switch error {
            case .unreadable(let path, let reason): return .failure(Problems(["error: cannot read \(path): \(reason)"]))
            case .invalid(let diagnostics): return .failure(Problems(diagnostics.map(\.description)))
            }
        }
        let unusable = ReferencedFileCheck.diagnostics(for: profile)
        guard unusable.isEmpty else { return .failure(Problems(unusable.map(\.description))) }
        return .success(profile)
    }

    /// The lines, each as `sensorgate validate` prints it.
    struct Problems: Error, Sequence {
        var lines: [String]
        init(_ lines: [String]) { self.lines = lines }
        var count: Int { lines.count }
        var first: String? { lines.first }
        func makeIterator() -> IndexingIterator<[String]> { lines.makeIterator() }
    }
}
