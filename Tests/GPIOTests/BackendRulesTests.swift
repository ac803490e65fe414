@testable import GPIO
import SensorgateCore
import Testing

/// What each backend decides before it calls the kernel.
@Suite("libgpiod backend rules")
struct BackendRulesTests {
    static let edges = LineConfig.Direction.input(edge: .both, bias: .pullUp)

    @Test("API v1 refuses kernel debounce, naming libgpiod 2 and the software debounce")
    func v1RefusesKernelDebounce() {
        let problem = LibgpiodV1Chip.problem(with: [LineConfig(offset: 4, direction: Self.edges, kernelDebounce: .milliseconds(5))],
                                             chipName: "gpiochip0")
        #expect(problem?.code == .unsupported)
        #expect(problem?.message.contains("kernel debounce needs libgpiod 2") == true)
        #expect(problem?.message.contains("debounce:") == true)
    }

    @Test("API v1 reads edges of one line per request, and refuses duplicates and empty requests")
    func v1RequestShape() {
        #expect(LibgpiodV1Chip.problem(with: [LineConfig(offset: 4, direction: Self.edges),
                                              LineConfig(offset: 5, direction: .output(initial: false))],
                                       chipName: "gpiochip0") == nil)
        #expect(LibgpiodV1Chip.problem(with: [LineConfig(offset: 4, direction: Self.edges),
                                              LineConfig(offset: 5, direction: Self.edges)],
                                       chipName: "gpiochip0")?.code == .unsupported)
        #expect(LibgpiodV1Chip.problem(with: [LineConfig(offset: 4, direction: Self.edges),
                                              LineConfig(offset: 4, direction: Self.edges)],
                                       chipName: "gpiochip0")?.code == .busy)
        #expect(LibgpiodV1Chip.problem(with: [], chipName: "gpiochip0")?.code == .lineNotFound)
    }

    @Test("API v2 debounce periods are whole microseconds, rounded up")
    func v2DebounceMicroseconds() {
        #expect(LibgpiodV2Chip.microseconds(.milliseconds(5)) == 5_000)
        #expect(LibgpiodV2Chip.microseconds(.nanoseconds(1_500)) == 2)
        #expect(LibgpiodV2Chip.microseconds(.nanoseconds(1)) == 1)
        #expect(LibgpiodV2Chip.microseconds(.zero) == 0)
    }

    @Test("API v2 asks the kernel for 256 buffered events per request and reads them 64 at a time")
    func v2Buffers() {
        #expect(LibgpiodV2LineRequest.kernelEventBufferSize == 256)
        #expect(LibgpiodV2LineRequest.readBatchSize == 64)
    }

    @Test("an edge loss is none, exact or suspected")
    func edgeLoss() {
        #expect(EdgeLoss.none.isEmpty)
        #expect(EdgeLoss.none.exact)
        #expect(!EdgeLoss(dropped: 1, exact: false).isEmpty)
    }
}
