import Testing
import SensorgateCore
import Simulation

@Suite("Numeric signals and SplitMix64")
struct NumericSignalTests {
    func t(_ seconds: Double) -> Timestamp { Timestamp(nanoseconds: UInt64(seconds * 1e9)) }

    @Test("SplitMix64 matches the reference sequence for seed 0")
    func splitMixReference() {
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("unit values lie in [0, 1) and signed values in [-1, 1)")
    func splitMixRanges() {
        var random = SplitMix64(seed: 99)
        var sum = 0.0
        for _ in 0..<10_000 {
            let unit = random.nextUnit()
            #expect(unit >= 0 && unit < 1)
            let signed = random.nextSigned()
            #expect(signed >= -1 && signed < 1)
            sum += unit
        }
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
    }

    @Test("a constant is constant")
    func constant() {
        var signal = NumericSignal(shape: .constant(21.5), seed: 1)
        for second in 0..<10 { #expect(signal.value(at: t(Double(second))) == 21.5) }
    }

    @Test("a walk is repeatable for a seed and differs between seeds")
    func walkDeterminism() {
        let shape = NumericSignal.Shape.walk(start: 21, step: 0.05, min: nil, max: nil)
        var a = NumericSignal(shape: shape, seed: 42)
        var b = NumericSignal(shape: shape, seed: 42)
        var c = NumericSignal(shape: shape, seed: 43)
        var first: [Double] = []
        var second: [Double] = []
        var third: [Double] = []
        for i in 0..<1_000 {
            first.append(a.value(at: t(Double(i))))
            second.append(b.value(at: t(Double(i))))
            third.append(c.value(at: t(Double(i))))
        }
        #expect(first == second)
        #expect(first != third)
    }

    @Test("a walk starts at start and takes one step of at most ±step per reading")
    func walkSteps() {
        var signal = NumericSignal(shape: .walk(start: 21, step: 0.05, min: nil, max: nil), seed: 7)
        var previous = signal.value(at: t(0))
        #expect(previous == 21)
        var moves = 0
        var ups = 0
        for i in 1...2_000 {
            let value = signal.value(at: t(Double(i)))
            #expect(abs(value - previous) <= 0.05)
            if value != previous { moves += 1 }
            if value > previous { ups += 1 }
            previous = value
        }
        #expect(moves == 2_000)
        #expect(ups > 800 && ups < 1_200)
    }

    @Test("a walk is clamped to min and max", arguments: [(Double?.some(20.0), Double?.some(22.0)), (nil, 21.5), (20.5, nil)])
    func walkClamped(low: Double?, high: Double?) {
        var signal = NumericSignal(shape: .walk(start: 21, step: 0.7, min: low, max: high), seed: 3)
        var reachedLow = false
        var reachedHigh = false
        for i in 0..<5_000 {
            let value = signal.value(at: t(Double(i)))
            if let low {
                #expect(value >= low)
                if value == low { reachedLow = true }
            }
            if let high {
                #expect(value <= high)
                if value == high { reachedHigh = true }
            }
        }
        if low != nil { #expect(reachedLow) }
        if high != nil { #expect(reachedHigh) }
    }

    @Test("a walk's start outside its bounds is clamped at once")
    func walkStartClamped() {
        var signal = NumericSignal(shape: .walk(start: 30, step: 0.1, min: 0, max: 25), seed: 1)
        #expect(signal.value(at: t(0)) == 25)
    }

    @Test("a sine has its mean at the origin and its extremes a quarter period apart")
    func sineShape() {
        let period = Interval.seconds(600)
        var signal = NumericSignal(shape: .sine(mean: 55, amplitude: 10, period: period), seed: 1, origin: t(100))
        #expect(abs(signal.value(at: t(100)) - 55) < 1e-9)
        #expect(abs(signal.value(at: t(250)) - 65) < 1e-9)
        #expect(abs(signal.value(at: t(400)) - 55) < 1e-9)
        #expect(abs(signal.value(at: t(550)) - 45) < 1e-9)
        #expect(abs(signal.value(at: t(700)) - 55) < 1e-9)
        // Periodic, also before the origin and after a long uptime.
        #expect(abs(signal.value(at: t(50)) - signal.value(at: t(650))) < 1e-9)
        #expect(abs(signal.value(at: t(250 + 600 * 10_000)) - 65) < 1e-9)
        // Between the extremes.
        for second in stride(from: 0.0, to: 1_200, by: 7) {
            let value = signal.value(at: t(second))
            #expect(value >= 45 - 1e-9 && value <= 65 + 1e-9)
        }
    }

    @Test("without an origin a sine starts at its mean at the first reading")
    func sineFirstReading() {
        var signal = NumericSignal(shape: .sine(mean: 0, amplitude: 2, period: .seconds(4)), seed: 1)
        #expect(abs(signal.value(at: t(1_000))) < 1e-12)
        #expect(abs(signal.value(at: t(1_001)) - 2) < 1e-9)
        #expect(abs(signal.value(at: t(1_003)) + 2) < 1e-9)
    }

    @Test("a sine with a zero period stays at its mean")
    func sineZeroPeriod() {
        var signal = NumericSignal(shape: .sine(mean: 3, amplitude: 1, period: .zero), seed: 1)
        #expect(signal.value(at: t(5)) == 3)
    }
}
