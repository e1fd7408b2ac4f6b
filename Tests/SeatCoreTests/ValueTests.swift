import Foundation
import Testing
@testable import SeatCore

@Test(arguments: [
    ("2026-01-31", 1, "2026-02-28"), ("2028-01-31", 1, "2028-02-29"), ("2026-01-31", 3, "2026-04-30"),
    ("2026-03-01", 12, "2027-03-01"), ("2026-11-30", 3, "2027-02-28"), ("2026-12-15", -12, "2025-12-15"),
])
func monthlyAnchorsClampToMonthEnd(anchor: String, months: Int, expected: String) {
    #expect(Day.monthly(anchor: Day(iso: anchor)!, plus: months).description == expected)
}

@Test func dayOrdinalsRoundTrip() {
    var day = Day(year: 1999, month: 12, day: 25)
    for _ in 0..<2000 {
        #expect(Day(ordinal: day.ordinal) == day)
        let next = day.adding(days: 1)
        #expect(next > day && day.days(until: next) == 1)
        day = next
    }
    #expect(Day(year: 1970, month: 1, day: 1).ordinal == 0)
    #expect(Day(iso: "2026-02-29") == nil && Day(iso: "2028-02-29") != nil && Day(iso: "2026-1-01") == nil)
}

@Test func dayInTimeZone() {
    // 2026-11-22T23:30:00Z is already the 23rd in Tokyo and still the 22nd in New York.
    let instant = Date(timeIntervalSince1970: 1_795_390_200)
    #expect(Day(instant, in: TimeZone(identifier: "UTC")!).description == "2026-11-22")
    #expect(Day(instant, in: TimeZone(identifier: "Asia/Tokyo")!).description == "2026-11-23")
    #expect(Day(instant, in: TimeZone(identifier: "America/New_York")!).description == "2026-11-22")
    #expect(Fixtures.today == Day(Fixtures.now, in: TimeZone(identifier: "UTC")!))
}

@Test func nextRenewal() {
    let start = Day(year: 2026, month: 3, day: 1)
    #expect(Day(year: 2026, month: 11, day: 22).nextRenewal(start: start, everyMonths: 12, inclusive: true) == Day(year: 2027, month: 3, day: 1))
    #expect(Day(year: 2027, month: 3, day: 1).nextRenewal(start: start, everyMonths: 12, inclusive: true) == Day(year: 2027, month: 3, day: 1))
    #expect(Day(year: 2027, month: 3, day: 1).nextRenewal(start: start, everyMonths: 12, inclusive: false) == Day(year: 2028, month: 3, day: 1))
    #expect(Day(year: 2026, month: 3, day: 1).nextRenewal(start: start, everyMonths: 12, inclusive: true) == Day(year: 2027, month: 3, day: 1))
}

@Test(arguments: [
    ("45.00", "USD", 4500), ("45", "USD", 4500), ("0.5", "USD", 50), ("1200", "JPY", 1200), ("1.234", "BHD", 1234),
])
func moneyParses(text: String, currency: String, minor: Int64) throws {
    let money = try Money(parsing: text, currency: currency)
    #expect(money.minorUnits == minor)
    #expect(try Money(parsing: money.decimalString, currency: currency) == money)
}

@Test(arguments: [
    ("45.001", "USD"), ("-1.00", "USD"), ("1e3", "USD"), ("1,000.00", "USD"), ("12.5", "JPY"), ("", "USD"), ("1.", "USD"), ("1.00", "XYZ"),
])
func moneyRefuses(text: String, currency: String) {
    #expect(throws: MoneyError.self) { try Money(parsing: text, currency: currency) }
}

@Test func suggestions() {
    let keys = ["account", "kind", "name", "emailDomains", "blockedDomains", "timezone", "prune", "guards", "plans", "users"]
    #expect(Suggestion.nearest(to: "acount", in: keys) == "account")
    #expect(Suggestion.nearest(to: "timezome", in: keys) == "timezone")
    #expect(Suggestion.nearest(to: "usres", in: keys) == "users")
    #expect(Suggestion.nearest(to: "completely-different", in: keys) == nil)
    #expect(Suggestion.nearest(to: "full-suite-montly", in: ["full-suite-monthly", "full-suite-yearly"]) == "full-suite-monthly")
}

@Test func publicDomainsMatchSubdomains() {
    #expect(PublicEmailDomains.matches("gmail.com", in: PublicEmailDomains.all) == "gmail.com")
    #expect(PublicEmailDomains.matches("mx.gmail.com", in: PublicEmailDomains.all) == "gmail.com")
    #expect(PublicEmailDomains.matches("notgmail.com", in: PublicEmailDomains.all) == nil)
}

/// A location holds its file as a number: locations of one file name are
/// equal however they were made, order by the names themselves (not the
/// order the names were first seen in), and encode and print the name.
@Test func sourceLocationsCompareHashAndEncodeByFileName() throws {
    let later = SourceLocation(file: "zz-location-test.yaml", line: 3, column: 7)
    let earlier = SourceLocation(file: "aa-location-test.yaml", line: 9, column: 9)
    let same = SourceLocation(file: "zz-location-" + "test.yaml", line: 1, column: 1).moved(toLine: 3, column: 7)
    #expect(later == same && later.hashValue == same.hashValue && same.file == "zz-location-test.yaml")
    #expect(earlier < later && !(later < earlier))
    #expect(later < SourceLocation(file: "zz-location-test.yaml", line: 3, column: 8))
    var renamed = later
    renamed.file = "aa-location-test.yaml"
    #expect(renamed != later && renamed.file == "aa-location-test.yaml" && renamed.line == 3 && renamed < earlier)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let json = String(decoding: try encoder.encode(later), as: UTF8.self)
    #expect(json == #"{"column":7,"file":"zz-location-test.yaml","line":3}"#)
    #expect(try JSONDecoder().decode(SourceLocation.self, from: Data(json.utf8)) == later)
    // Printed (in test failures, golden records) with the name too.
    #expect(String(describing: later) == #"SourceLocation(file: "zz-location-test.yaml", line: 3, column: 7)"#)
}
