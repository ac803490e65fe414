import Testing

@testable import Gateway

@Suite("Startup code pages")
struct StartupCodePagesTests {
    @Test("only private executable file mappings without anonymous pages are chosen")
    func parsesSmaps() {
        let smaps = """
        55dbddc0e000-55dbdec9c000 r-xp 00000000 fe:00 5440648                    /usr/bin/sensorgate
        Size:              17976 kB
        Rss:                9400 kB
        Anonymous:             0 kB
        55dbdec9d000-55dbded04000 r--p 0108e000 fe:00 5440648                    /usr/bin/sensorgate
        Rss:                 412 kB
        Anonymous:           412 kB
        7f0000000000-7f0000010000 r-xp 00000000 fe:00 77                         /usr/lib/libpatched.so
        Rss:                  64 kB
        Anonymous:             4 kB
        7f0000020000-7f0000030000 r-xp 00000000 00:00 0                          [vdso]
        Anonymous:             0 kB
        7f0000040000-7f0000050000 r-xp 00000000 00:00 0
        Anonymous:             0 kB
        7f0000060000-7f0000070000 rw-p 00000000 fe:00 78                         /usr/lib/libc.so.6
        Anonymous:             0 kB
        7f0000080000-7f00000a0000 r-xp 00002000 fe:00 79                         /usr/lib/libc.so.6
        Rss:                 128 kB
        Anonymous:             0 kB
        """
        #expect(CodeMapping.clean(in: smaps) == [
            CodeMapping(start: 0x55dbddc0e000, length: 0x55dbdec9c000 - 0x55dbddc0e000),
            CodeMapping(start: 0x7f0000080000, length: 0x20000),
        ])
    }

    @Test("a mapping's Anonymous line is never credited to the code mapping before it")
    func anonymousLineBelongsToItsOwnBlock() {
        // The code mapping's block lacks an Anonymous line (as in an abridged text): the
        // next block's line must not decide for it.
        let smaps = """
        7f0000000000-7f0000010000 r-xp 00000000 fe:00 77                         /usr/lib/liba.so
        Rss:                  64 kB
        7f0000020000-7f0000030000 r--p 00000000 fe:00 77                         /usr/lib/liba.so
        Anonymous:             0 kB
        """
        #expect(CodeMapping.clean(in: smaps).isEmpty)
    }

    @Test("releasing this process's code pages lowers its resident file pages, and it runs on")
    func releasesResidentCode() throws {
        let before = try #require(Self.statusKilobytes("RssFile:"))
        StartupCodePages.release()
        let after = try #require(Self.statusKilobytes("RssFile:"))
        #expect(after < before, "RssFile \(before) kB before, \(after) kB after")
        // Code runs again after the release: a page it needs is mapped back on use.
        let smaps = try #require(readTextFile("/proc/self/smaps", limit: 4 << 20))
        #expect(!CodeMapping.clean(in: smaps).isEmpty)
    }

    private static func statusKilobytes(_ field: String) -> Int? {
        guard let status = readTextFile("/proc/self/status") else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix(field) }
        return line.flatMap { $0.dropFirst(field.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first }.flatMap { Int($0) }
    }
}
