/// Finds keys written twice in one mapping, anywhere in the tree.
///
/// The first occurrence is kept and validated; every later one is reported at its
/// own position and dropped, so one mistake gives one message.
enum DuplicateKeys {
    static func check(_ node: ConfigNode, path: String = "", file: String,
                      into diagnostics: inout [Diagnostic]) -> ConfigNode {
        switch node.value {
        case .scalar:
            return node
        case .sequence(let items):
            let checked = items.enumerated().map { offset, item in
                check(item, path: KeyPath.index(path, offset), file: file, into: &diagnostics)
            }
            return ConfigNode(.sequence(checked), at: node.location)
        case .mapping(let pairs):
            var kept: [ConfigPair] = []
            var firstSeen: [String: SourceLocation] = [:]
            for pair in pairs {
                if let first = firstSeen[pair.key] {
                    let message = KeyPath.message(path, "duplicate key '\(KeyPath.shown(pair.key))' (first written at \(first))")
                    diagnostics.append(Diagnostic(file: file, line: pair.keyLocation.line,
                                                  column: pair.keyLocation.column, message: message))
                    continue
                }
                firstSeen[pair.key] = pair.keyLocation
                var checked = pair
                checked.value = check(pair.value, path: KeyPath.child(path, pair.key), file: file, into: &diagnostics)
                kept.append(checked)
            }
            return ConfigNode(.mapping(kept), at: node.location)
        }
    }
}
