#if canImport(Glibc)
import Glibc
#endif

/// The broker `Tests/run` started; these tests need it.
let brokerPort: Int? = {
    guard let value = getenv("SENSORGATE_TEST_BROKER") else { return nil }
    return String(cString: value).split(separator: ":").last.flatMap { Int($0) }
}()
