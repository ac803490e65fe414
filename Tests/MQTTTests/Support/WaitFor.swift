#if canImport(Glibc)
import Glibc
#endif
import SensorgateCore

/// Polls `condition` every 10 ms until it holds or `seconds` have passed.
func waitFor(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = SystemClock().now() + .seconds(seconds)
    while SystemClock().now() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
