@testable import Simulation
import Testing

@Suite("Sparse register words")
struct SparseRegisterWordsTests {
    @Test("unwritten registers read 0; a written one reads back and leaves the others alone")
    func readBack() {
        var words = SparseRegisterWords()
        #expect((0..<256).allSatisfy { words[$0] == 0 })
        words[0x00] = 0x1980
        words[0xFF] = 0xBEEF
        words[0x01] = 0x0001
        words[0x00] = 0x2000
        #expect(words[0x00] == 0x2000)
        #expect(words[0x01] == 0x0001)
        #expect(words[0xFF] == 0xBEEF)
        #expect(words[0x02] == 0)
    }

    @Test("an index past 0xFF wraps to the register an 8-bit pointer reaches")
    func wraps() {
        var words = SparseRegisterWords()
        words[0x100] = 7
        #expect(words[0x00] == 7)
    }
}
