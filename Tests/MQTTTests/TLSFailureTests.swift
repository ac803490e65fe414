#if canImport(Glibc)
import Glibc
#endif
import CMosquitto
import Testing

@testable import MQTT

@Suite("TLS failure sentences")
struct TLSFailureTests {
    @Test("a handshake the other side closed: MOSQ_ERR_TLS, a lost connection, or the closed socket's errno")
    func handshakeEnds() {
        #expect(TLSFailure.isHandshakeEnd(MOSQ_ERR_TLS.rawValue, errno: 0))
        #expect(TLSFailure.isHandshakeEnd(MOSQ_ERR_CONN_LOST.rawValue, errno: 0))
        #expect(TLSFailure.isHandshakeEnd(MOSQ_ERR_ERRNO.rawValue, errno: EBADF))
        #expect(TLSFailure.isHandshakeEnd(MOSQ_ERR_ERRNO.rawValue, errno: ECONNRESET))
    }

    @Test("a refused or unreachable port is not a handshake failure")
    func otherFailures() {
        #expect(!TLSFailure.isHandshakeEnd(MOSQ_ERR_ERRNO.rawValue, errno: ECONNREFUSED))
        #expect(!TLSFailure.isHandshakeEnd(MOSQ_ERR_ERRNO.rawValue, errno: EHOSTUNREACH))
        #expect(!TLSFailure.isHandshakeEnd(MOSQ_ERR_NO_CONN.rawValue, errno: 0))
    }

    @Test("OpenSSL's end-of-file on the ClientHello names the plain listener")
    func plainListenerFromTheLog() {
        let tls = MQTTClientConfiguration.TLS(caFile: "/etc/sensorgate/ca.pem")
        let sentence = TLSFailure.explain("OpenSSL Error[0]: error:0A000126:SSL routines::unexpected eof while reading",
                                          tls: tls, host: "127.0.0.1")
        #expect(sentence?.contains("is the port a plain mqtt:// listener?") == true, "\(sentence ?? "nil")")
    }
}
