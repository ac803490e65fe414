import Pipeline
import SensorgateCore
import Testing

@Suite("DeltaFilter")
struct DeltaFilterTests {
    @Test("passes the first reading, then changes of at least the threshold", arguments: [
        // threshold, input, expected (nil: dropped)
        (0.5, [10.0, 10.4, 10.5, 10.9, 11.0], [10.0, nil, 10.5, nil, 11.0]),         // boundary passes
        (0.5, [10.0, 9.6, 9.5, 9.9, 9.0], [10.0, nil, 9.5, nil, 9.0]),               // negative changes
        (1.0, [0.0, 0.3, 0.6, 0.9, 1.2, 0.3], [0.0, nil, nil, nil, 1.2, nil]),       // against the last passed
        (1.0, [5.0, 5.0, 5.0], [5.0, nil, nil]),
        (0.0, [5.0, 5.0, 6.0], [5.0, 5.0, 6.0]),                                     // 0 passes everything
    ] as [(Double, [Double], [Double?])])
    func thresholds(threshold: Double, input: [Double], expected: [Double?]) {
        var filter = DeltaFilter(threshold: threshold)
        #expect(run(&filter, input) == expected)
    }

    @Test func decimalStepsEqualToTheThresholdPass() {
        // 21.2 - 21.1 == 0.09999999999999787 in binary floating point.
        var filter = DeltaFilter(threshold: 0.1)
        #expect(run(&filter, [21.1, 21.2, 21.29, 21.3, 21.2]) == [21.1, 21.2, nil, 21.3, 21.2])
    }

    @Test func aTinyThresholdStillDropsUnchangedValues() {
        var filter = DeltaFilter(threshold: 1e-20)
        #expect(run(&filter, [21.5, 21.5, 21.500000000000004]) == [21.5, nil, 21.500000000000004])
    }

    @Test func nanIsAChangeFromANumberAndBack() {
        var filter = DeltaFilter(threshold: 1)
        let out = run(&filter, [1, .nan, .nan, 1.2, 1.5])
        #expect(out[0] == 1)
        #expect(out[1]?.isNaN == true)
        #expect(out[2] == nil)
        #expect(out[3] == 1.2)
        #expect(out[4] == nil)
    }

    @Test func keepsTheReadingUnchanged() {
        var filter = DeltaFilter(threshold: 1)
        let reading = Reading(value: 3.25, timestamp: .ms(42))
        #expect(filter.process(reading) == reading)
    }
}
