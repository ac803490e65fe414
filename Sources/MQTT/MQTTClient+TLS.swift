#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CMosquitto
import Logging
import SensorgateCore

/// TLS set-up and the sentences a failed TLS connection is reported with.
///
/// libmosquitto answers most TLS problems with one code, `MOSQ_ERR_TLS` ("A TLS error
/// occurred."), and a missing file with `MOSQ_ERR_INVAL` ("Invalid function arguments
/// provided."); the real reason (OpenSSL's, or its own "host name verification failed")
/// goes only to its log callback. So files are checked here first, with their names,
/// and the attempt's library errors are kept and turned into the reason of the failure.
extension MQTTClient {
    func configureTLS(_ tls: MQTTClientConfiguration.TLS) throws(MQTTError) {
        let named: [(path: String?, role: String, directory: Bool)] = [
            (tls.caFile, "CA file", false), (tls.caPath, "CA directory", true),
            (tls.certFile, "client certificate", false), (tls.keyFile, "client key", false),
        ]
        for file in named {
            guard let path = file.path else { continue }
            if let problem = TLSFailure.unreadable(path, directory: file.directory) {
                throw MQTTError("TLS: cannot read the \(file.role) '\(LogText.escaped(path))': \(problem)")
            }
        }
        let capath = tls.caFile == nil && tls.caPath == nil ? TLSFailure.systemCertificates : tls.caPath
        // A key protected by a passphrase would make OpenSSL ask for it on the terminal and
        // wait: answer "no passphrase", and the connection fails with a reason instead.
        let rc = mosquitto_tls_set(handle, tls.caFile, capath, tls.certFile, tls.keyFile) { _, _, _, _ in 0 }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw MQTTError("TLS: libmosquitto refused the TLS settings: \(Self.describe(rc))")
        }
        if tls.insecure {
            try check(mosquitto_tls_insecure_set(handle, true), "TLS: turning host name verification off")
            // SSL_VERIFY_NONE (0): the chain is not checked either.
            try check(mosquitto_tls_opts_set(handle, 0, nil, nil), "TLS: turning certificate verification off")
        }
    }

    /// At every connection attempt, so it cannot scroll away: the setting must not stay
    /// on by accident.
    func warnIfInsecure() {
        guard configuration.tls?.insecure == true else { return }
        logger.warning("TLS verification is off (mqtt.tls.insecure: true): connecting to \(brokerDescription) without checking its certificate or host name; anyone on the network path can read and change the traffic, the password included")
    }

    /// libmosquitto's log callback: errors of the current attempt are kept for its reason.
    func libraryLogged(level: Int32, _ text: String) {
        logger.debug("libmosquitto: \(LogText.escaped(text))")
        guard level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING) != 0 else { return }
        let line = LogText.escaped(text)
        if let known = libraryError {
            if known.utf8.count < 1_000 { libraryError = known + "; " + line }
        } else {
            libraryError = line
        }
    }

    /// Why an attempt or a connection failed with libmosquitto's code `rc`, as a sentence.
    func failureReason(_ rc: Int32) -> String {
        let failedErrno = errno
        let code = Self.describe(rc)
        if let tls = configuration.tls {
            if let explained = TLSFailure.explain(libraryError, tls: tls, host: brokers.current.host) { return explained }
            // libmosquitto 2.0.21 (Debian 13) with OpenSSL 3.5 logs nothing when a plain
            // listener closes the socket on the ClientHello: the attempt ends with an errno
            // of the closed socket or MOSQ_ERR_TLS alone.
            if state == .connecting, TLSFailure.isHandshakeEnd(rc, errno: failedErrno) {
                return "TLS: the broker closed the connection during the TLS handshake (\(code)): is the port a plain mqtt:// listener?"
            }
        }
        if let libraryError { return "\(code) (\(libraryError))" }
        return code
    }

    /// Why an attempt that got no CONNACK in time failed.
    func silentAttemptReason() -> String {
        let base = "no CONNACK within \(configuration.connectTimeout.readableDescription)"
        if let tls = configuration.tls, let explained = TLSFailure.explain(libraryError, tls: tls, host: brokers.current.host) {
            return "\(base): \(explained)"
        }
        guard configuration.tls != nil else { return base }
        return "\(base): the TLS handshake did not complete (is the port a plain mqtt:// listener?)"
    }
}

/// Sentences for TLS failures, from libmosquitto's and OpenSSL's log lines.
enum TLSFailure {
    static let systemCertificates = "/etc/ssl/certs"

    /// Why `path` cannot be used, or nil.
    static func unreadable(_ path: String, directory: Bool) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return systemReason(errno) }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        if directory {
            guard isDirectory else { return "not a directory" }
            return access(path, R_OK | X_OK) == 0 ? nil : systemReason(errno)
        }
        if isDirectory { return "is a directory, not a file" }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return systemReason(errno) }
        close(fd)
        return nil
    }

    /// Whether libmosquitto's code (and the errno beside it) is how an attempt ends when the
    /// other side closes the connection in the middle of the TLS handshake; a refused or
    /// unreachable port has codes of its own (ECONNREFUSED, EHOSTUNREACH, ...).
    static func isHandshakeEnd(_ rc: Int32, errno code: Int32) -> Bool {
        if rc == MOSQ_ERR_TLS.rawValue || rc == MOSQ_ERR_CONN_LOST.rawValue { return true }
        return rc == MOSQ_ERR_ERRNO.rawValue && [0, EBADF, ECONNRESET, EPIPE].contains(code)
    }

    /// A sentence for the library's errors of one attempt, or nil when they are not
    /// about TLS (or there were none).
    static func explain(_ errors: String?, tls: MQTTClientConfiguration.TLS, host: String) -> String? {
        guard let errors else { return nil }
        let openSSL = openSSLReason(errors)
        let detail = openSSL.map { " (OpenSSL: \($0))" } ?? ""
        if errors.contains("host name verification failed") {
            return "TLS: the broker's certificate is not issued for '\(LogText.escaped(host))': host name verification failed; "
                + "connect by a name or address the certificate lists"
        }
        if errors.contains("certificate verify failed") {
            return "TLS: the broker's certificate was not accepted: it is not signed by \(trustDescription(tls)), "
                + "or it has expired\(detail)"
        }
        if errors.contains("alert certificate required") {
            return "TLS: the broker requires a client certificate: set mqtt.tls.cert_file and key_file\(detail)"
        }
        if ["alert unknown ca", "alert bad certificate", "alert certificate unknown", "alert decrypt error",
            "alert access denied"].contains(where: { errors.contains($0) }) {
            let certificate = tls.certFile.map { " '\(LogText.escaped($0))'" } ?? ""
            return "TLS: the broker refused the client certificate\(certificate)\(detail)"
        }
        let plainListener = ["wrong version number", "packet length too long", "record layer failure",
                             "unexpected eof", "http request", "record_layer_failure"]
        if plainListener.contains(where: { errors.lowercased().contains($0) }) {
            return "TLS: the broker did not answer the TLS handshake: is the port a plain mqtt:// listener?\(detail)"
        }
        // The files exist (checked at start) but OpenSSL cannot use them: name the one.
        let shown = { (path: String?) in path.map { "'\(LogText.escaped($0))'" } ?? "" }
        if errors.contains("Unable to load CA certificates") {
            let source = tls.caFile.map { "the CA file \(shown($0)) (mqtt.tls.ca_file)" }
                ?? tls.caPath.map { "the CA directory \(shown($0)) (mqtt.tls.ca_path)" } ?? "the system's CA certificates"
            return "TLS: cannot use \(source): it must hold PEM certificates\(detail)"
        }
        if errors.contains("Unable to load client certificate") {
            return "TLS: cannot use the client certificate \(shown(tls.certFile)) (mqtt.tls.cert_file): it must be a PEM certificate\(detail)"
        }
        if errors.contains("key values mismatch") {
            return "TLS: the client key \(shown(tls.keyFile)) does not belong to the client certificate \(shown(tls.certFile))\(detail)"
        }
        if errors.contains("Unable to load client key") {
            return "TLS: cannot use the client key \(shown(tls.keyFile)) (mqtt.tls.key_file): it must be a PEM key without a passphrase\(detail)"
        }
        if errors.contains("OpenSSL Error") { return "TLS: \(openSSL ?? errors)" }
        return nil
    }

    /// What the broker's certificate must chain to, as the profile names it.
    static func trustDescription(_ tls: MQTTClientConfiguration.TLS) -> String {
        if let caFile = tls.caFile { return "the CA in mqtt.tls.ca_file '\(LogText.escaped(caFile))'" }
        if let caPath = tls.caPath { return "a CA in mqtt.tls.ca_path '\(LogText.escaped(caPath))'" }
        return "a CA the system trusts (\(systemCertificates); set mqtt.tls.ca_file for a private CA)"
    }

    /// `certificate verify failed` from `OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed`.
    static func openSSLReason(_ errors: String) -> String? {
        guard let range = errors.firstRange(of: "OpenSSL Error") else { return nil }
        var text = errors[range.upperBound...]
        if let end = text.firstIndex(of: ";") { text = text[..<end] }
        if let last = text.lastIndex(of: ":") { return String(text[text.index(after: last)...]).trimmingSpaces() }
        return String(text)
    }

    private static func systemReason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
