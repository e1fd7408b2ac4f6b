import SeatTestSupport
import Testing
@testable import SeatCore

/// The license-code filter answers as a `Set` of the same codes does, for
/// codes of every length around its 8-byte steps, members or not.
struct CodeSetTests {
    @Test(arguments: [0, 1, 300, 5_000] as [Int])
    func answersAsASet(size: Int) {
        var random = SplitMix64(seed: UInt64(size) + 11)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789é")
        func code() -> String { String(random.text(from: alphabet, length: 0...20)) }
        let members = Set((0..<size).map { _ in code() })
        let filter = CodeSet(members)
        #expect(filter.isEmpty == members.isEmpty)
        for member in members { #expect(filter.contains(member), "\(member)") }
        var outsiders = 0
        for _ in 0..<20_000 {
            let candidate = code()
            #expect(filter.contains(candidate) == members.contains(candidate), "\(candidate)")
            if !members.contains(candidate) { outsiders += 1 }
        }
        #expect(outsiders > 10_000)
    }
}
