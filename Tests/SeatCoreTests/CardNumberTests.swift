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
}
