/// Key paths as diagnostics show them: `inputs[0].gpio.bias`, `mqtt.broker`.
/// The document root is the empty path.
enum KeyPath {
    static func child(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    static func index(_ path: String, _ index: Int) -> String {
        "\(path)[\(index)]"
    }

    /// `path: text`, or just `text` at the root.
    static func message(_ path: String, _ text: String) -> String {
        path.isEmpty ? text : "\(path): \(text)"
    }
}
