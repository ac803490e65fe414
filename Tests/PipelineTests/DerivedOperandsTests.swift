import Pipeline
import SensorgateCore
import Testing

/// When a derived value is computed: a timeline of operand events and what `compute` gives.
@Suite("Derived operands")
struct DerivedOperandsTests {
    static func dewPoint(maxAge: Int = 15) -> DerivedComputation {
        DerivedComputation(formula: .expression(.binary(.subtract, .operand(0), .operand(1))),
                           operands: DerivedOperands(maxAges: [.seconds(maxAge), .seconds(maxAge)]))
    }

    @Test func computedOnceEveryOperandHasAValueThenOnEachNewState() {
        var computation = Self.dewPoint()
        computation.operands.update(0, value: 20, at: .s(0))
        #expect(computation.compute(at: .s(0)) == .waiting)
        computation.operands.update(1, value: 5, at: .s(1))
        #expect(computation.compute(at: .s(1)) == .value(.at(1, 15), afterUndefined: 0))
        // Nothing new: nothing to compute.
        #expect(computation.compute(at: .s(2)) == .waiting)
        // The latest of the others with the new one.
        computation.operands.update(0, value: 21, at: .s(5))
        #expect(computation.compute(at: .s(5)) == .value(.at(5, 16), afterUndefined: 0))
    }

    @Test func twoStatesOfOnePollGiveOneValue() {
        var computation = Self.dewPoint()
        computation.operands.update(0, value: 20, at: .s(0))
        computation.operands.update(1, value: 5, at: .s(0))
        #expect(computation.compute(at: .s(0)) == .value(.at(0, 15), afterUndefined: 0))
        #expect(computation.compute(at: .s(0)) == .waiting)
    }

    @Test func aStaleOperandGivesNothingUntilItIsReadAgain() {
        var computation = Self.dewPoint(maxAge: 15)
        computation.operands.update(0, value: 20, at: .s(0))
        computation.operands.update(1, value: 5, at: .s(0))
        #expect(computation.compute(at: .s(0)) != .waiting)
        // Operand 1's sensor stopped answering: 16 s without a read.
        computation.operands.update(0, value: 22, at: .s(16))
        #expect(computation.compute(at: .s(16)) == .waiting)
        #expect(computation.operands.isMissing(1, at: .s(16)))
        // Read again, its filters passed nothing (a delta held back the same value): current again.
        computation.operands.read(1, at: .s(17))
        computation.operands.update(0, value: 23, at: .s(18))
        #expect(computation.compute(at: .s(18)) == .value(.at(18, 18), afterUndefined: 0))
        // Exactly at the bound still counts.
        computation.operands.update(0, value: 24, at: .s(32))
        #expect(computation.compute(at: .s(32)) == .value(.at(32, 19), afterUndefined: 0))
    }

    @Test func anUnavailableOperandClearsItsValueUntilTheNextNumber() {
        var computation = Self.dewPoint()
        computation.operands.update(0, value: 20, at: .s(0))
        computation.operands.update(1, value: 5, at: .s(0))
        _ = computation.compute(at: .s(0))
        computation.operands.update(1, value: .nan, at: .s(3))
        computation.operands.update(0, value: 21, at: .s(4))
        #expect(computation.compute(at: .s(4)) == .waiting)
        computation.operands.update(1, value: 6, at: .s(5))
        #expect(computation.compute(at: .s(5)) == .value(.at(5, 15), afterUndefined: 0))
    }

    @Test func undefinedResultsAreCountedAndEachEpisodeStartsOnce() {
        var computation = DerivedComputation(
            formula: .expression(.binary(.divide, .number(1), .operand(0))),
            operands: DerivedOperands(maxAges: [.seconds(10)]))
        var outcomes: [DerivedComputation.Outcome] = []
        for (second, value) in [(0, 2.0), (1, 0), (2, 0), (3, 0), (4, 4), (5, 0)] {
            computation.operands.update(0, value: value, at: .s(Int64(second)))
            outcomes.append(computation.compute(at: .s(Int64(second))))
        }
        #expect(outcomes == [
            .value(.at(0, 0.5), afterUndefined: 0),
            .undefined(reason: "division by zero", startsEpisode: true),
            .undefined(reason: "division by zero", startsEpisode: false),
            .undefined(reason: "division by zero", startsEpisode: false),
            .value(.at(4, 0.25), afterUndefined: 3),
            .undefined(reason: "division by zero", startsEpisode: true),
        ])
        #expect(computation.undefinedCount == 4)
    }
}
