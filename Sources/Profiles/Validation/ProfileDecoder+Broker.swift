import SensorgateCore

/// The `mqtt:` keys that say where the broker is and how the gateway proves who it is:
/// `broker` / `brokers`, `password_file`, `password_env` (and the refused `password`).
extension ProfileDecoder {
    /// More than any cluster a gateway fails over within; the list is tried in a loop.
    static let maximumBrokers = 16

    /// What an inline password is told. It never repeats the value.
    static let inlinePasswordRefusal = "a password is never written in the profile (whoever reads the profile, "
        + "a copy of it or a log quoting it would have it): put it in a file named by mqtt.password_file "
        + "(readable only by the gateway: chmod 600) or in an environment variable named by mqtt.password_env"

    /// The broker list: `broker: URL` (one) or `brokers: [URL, ...]` (failover, in order).
    /// Nil after a problem, reported.
    func decodeBrokers(_ mqtt: Fields) -> [BrokerURL]? {
        let single = mqtt.optional("broker")
        guard let listField = mqtt.optional("brokers") else {
            guard let single else { return [Self.defaultBroker] }
            return brokerURL(single).map { [$0] }
        }
        if single != nil {
            validator.report(at: listField.location, listField.path,
                             "give either mqtt.broker (one broker) or mqtt.brokers (a failover list), not both")
            return nil
        }
        guard let items = validator.sequence(listField, what: "a list of broker URLs such as [mqtt://a:1883, mqtt://b:1883]") else {
            return nil
        }
        guard !items.isEmpty else {
            validator.report(at: listField.location, listField.path, "expected at least one broker URL")
            return nil
        }
        guard items.count <= Self.maximumBrokers else {
            validator.report(at: listField.location, listField.path,
                             "expected at most \(Self.maximumBrokers) brokers, got \(items.count)")
            return nil
        }
        var brokers: [BrokerURL] = []
        var failed = false
        for item in items {
            guard let url = brokerURL(item) else { failed = true; continue }
            if brokers.contains(url) {
                validator.report(at: item.location, item.path, "'\(url)' is already in the list")
                failed = true
            } else if let first = brokers.first, first.tls != url.tls {
                // A failover that drops to plain text would hand the traffic, and the
                // password, to whoever can make the TLS brokers unreachable.
                validator.report(at: item.location, item.path,
                                 "every broker in the list must use the same scheme: '\(url)' is not \(first.tls ? "mqtts://" : "mqtt://") like the first")
                failed = true
            } else {
                brokers.append(url)
            }
        }
        return failed ? nil : brokers
    }

    private func brokerURL(_ field: Field) -> BrokerURL? {
        guard let text = validator.text(field, what: "a broker URL such as mqtt://127.0.0.1:1883") else { return nil }
        switch BrokerURL.parse(text) {
        case .success(let url): return url
        case .failure(let error):
            validator.report(at: field.location, field.path, error.message)
            return nil
        }
    }

    struct Credentials {
        var passwordFile: ReferencedFile?
        var passwordEnvironment: String?
    }

    /// `password_file` or `password_env`, each needing `username` (an inline `password`
    /// is refused when the mapping is read: ``inlinePasswordRefusal``).
    func decodeCredentials(_ mqtt: Fields) -> Credentials {
        var credentials = Credentials()
        var files: [ReferencedFile] = []
        _ = referencedFile(mqtt, "password_file", .file, role: "the password file", into: &files)
        credentials.passwordFile = files.first
        if let field = mqtt.optional("password_env") {
            let what = "the name of an environment variable (letters, digits and '_', not starting with a digit)"
            if let name = validator.text(field, what: what, maximumBytes: 255) {
                if Self.isEnvironmentName(name) {
                    credentials.passwordEnvironment = name
                } else {
                    validator.expected(what, field)
                }
            }
            if mqtt.contains("password_file") {
                validator.report(at: field.location, field.path,
                                 "give either mqtt.password_file or mqtt.password_env, not both")
            }
        }
        for key in ["password_file", "password_env"] {
            if let field = mqtt.optional(key), !mqtt.contains("username") {
                validator.report(at: field.location, field.path, "a password needs a user name: add mqtt.username")
            }
        }
        return credentials
    }

    static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The path at `key`, also recorded with its place for the readability check.
    func referencedFile(_ fields: Fields, _ key: String, _ kind: ReferencedFile.Kind, role: String,
                        into files: inout [ReferencedFile]) -> String? {
        guard let field = fields.optional(key),
              let path = validator.path(field, what: kind == .file ? "a file path" : "a directory path") else {
            return nil
        }
        files.append(ReferencedFile(path: path, kind: kind, keyPath: field.path, role: role,
                                    line: field.location.line, column: field.location.column))
        return path
    }
}
