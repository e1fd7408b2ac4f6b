import SeatTestSupport
import Testing
@testable import SeatCore

@Suite struct CardNumberTests {
    @Test(arguments: [
        "4111111111111111",              // 16 digits, Luhn-valid
        "4111 1111 1111 1111",           // in groups of four
        "4111-1111-1111-1111",
        "ref 5500 0000 0000 0004 here",  // inside other text
        "378282246310005",               // 15 digits
        "6011111111111117",
        "4222222222222",                 // 13 digits
    ])
    func cardShapedNumbersAreFound(text: String) {
        #expect(CardNumber.appears(in: text))
    }

    @Test(arguments: [
        "4111111111111112",              // Luhn fails
        "411111111111",                  // 12 digits
        "pm_1NqKq2LkdIwHu7ixAbCdEf",     // an opaque reference
        "4111  1111 1111 1111",          // two separators in a row split the run
        "2026-11-22",
        "+44 20 7946 0958",
    ])
    func otherTextIsNot(text: String) {
        #expect(!CardNumber.appears(in: text))
    }

    @Test func theOffsetPointsAtTheFirstDigit() {
        #expect(CardNumber.firstMatch(in: Array("name: 4111 1111 1111 1111".utf8)) == 6)
    }

    /// The scan counts digits and reads only long runs again; on random text
    /// of digits, separators and letters it must find exactly what a plain
    /// scan that collects every group finds.
    @Test func fastScanAgreesWithAPlainScanOnRandomText() {
        var random = SplitMix64(seed: 0xCA4D)
        let alphabet = Array("0123456789012345678901234567890123456789  --ab\n".utf8)
        var found = 0
        for _ in 0..<20_000 {
            var bytes = random.text(from: alphabet, length: 0...60)
            // Some texts carry a real card number somewhere.
            if Bool.random(using: &random) {
                let card = Array(["4111111111111111", "4111 1111 1111 1111", "378282246310005", "4222-2222-22222"]
                    .randomElement(using: &random)!.utf8)
                bytes.insert(contentsOf: card, at: Int.random(in: 0...bytes.count, using: &random))
            }
            let expected = Self.plainFirstMatch(bytes)
            #expect(CardNumber.firstMatch(in: bytes) == expected, "\(String(decoding: bytes, as: UTF8.self))")
            if expected != nil { found += 1 }
        }
        #expect(found > 2_000, "the random texts exercise matches too")
    }

    /// Collects every digit and group as it goes, checking a run when it ends.
    static func plainFirstMatch(_ bytes: [UInt8]) -> Int? {
        var digits: [UInt8] = []
        var groups: [(start: Int, offset: Int)] = []
        func check() -> Int? {
            defer { digits.removeAll(); groups.removeAll() }
            for (index, first) in groups.enumerated() {
                for next in groups[(index + 1)...].map(\.start) + [digits.count] {
                    let length = next - first.start
                    if length > 19 { break }
                    if length >= 13, CardNumber.luhn(digits[first.start..<next]) { return first.offset }
                }
            }
            return nil
        }
        var inGroup = false
        for (offset, byte) in bytes.enumerated() {
            if (48...57).contains(byte) {
                if !inGroup { groups.append((digits.count, offset)) }
                digits.append(byte - 48)
                inGroup = true
            } else if byte == 32 || byte == 45, inGroup {
                inGroup = false
            } else {
                if let match = check() { return match }
                inGroup = false
            }
        }
        return check()
    }
}
