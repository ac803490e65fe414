import SensorgateCore

/// Key paths as diagnostics show them: `inputs[0].gpio.bias`, `mqtt.broker`.
/// The document root is the empty path.
enum KeyPath {
    /// The most characters of one key a path or a message shows: ids are at most 64.
    static let shownKeyLength = 64

    static func child(_ path: String, _ key: String) -> String {
        let shown = shown(key)
        return path.isEmpty ? shown : "\(path).\(shown)"
    }

    /// A key from the file as messages quote it: escaped (no control character reaches
    /// a terminal) and shortened, so a long key repeated in many messages, or in the paths
    /// of its many children, costs little.
    static func shown(_ key: String) -> String { LogText.escaped(key, limit: shownKeyLength) }

    static func index(_ path: String, _ index: Int) -> String {
        "\(path)[\(index)]"
    }

    /// `path: text`, or just `text` at the root.
    static func message(_ path: String, _ text: String) -> String {
        path.isEmpty ? text : "\(path): \(text)"
    }
}
