import Foundation

/// A calendar day with no time of day: the unit of proration, contract
/// terms and end dates. Which day an instant falls on depends on the
/// account's time zone; ``Day/init(_:in:)`` makes that explicit.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day `instant` falls on in `timeZone`.
    public init(_ instant: Date, in timeZone: TimeZone) {
        let parts = Day.calendar(timeZone).dateComponents([.year, .month, .day], from: instant)
        self.init(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// Parses `YYYY-MM-DD`; nil for anything else or an impossible date.
    public init?(iso string: String) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...Day.daysIn(year: y, month: m)).contains(d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(ordinal z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: Day) -> Int { other.ordinal - ordinal }

    /// The day `months` months after `anchor`'s month, on `anchor`'s day of
    /// the month, clamped to the last day of shorter months (an anchor on
    /// the 31st falls on 30 April and 28 or 29 February).
    public static func monthly(anchor: Day, plus months: Int) -> Day {
        let index = anchor.year * 12 + (anchor.month - 1) + months
        let y = index >= 0 ? index / 12 : (index - 11) / 12
        let m = index - y * 12 + 1
        return Day(year: y, month: m, day: min(anchor.day, daysIn(year: y, month: m)))
    }

    /// The first renewal day of a term that started on `start` and renews
    /// every `months` months that falls after `self` (or on it, when
    /// `inclusive`). The start day itself is never a renewal.
    public func nextRenewal(start: Day, everyMonths months: Int, inclusive: Bool) -> Day {
        precondition(months > 0)
        var k = max(1, ((year - start.year) * 12 + (month - start.month)) / months - 1)
        while true {
            let candidate = Day.monthly(anchor: start, plus: k * months)
            if candidate > self || (inclusive && candidate == self) { return candidate }
            k += 1
        }
    }

    /// The day `instant` falls on in the IANA zone `identifier` (UTC when
    /// the identifier is unknown; loaders reject unknown zones before this).
    public init(_ instant: Date, inZoneNamed identifier: String) {
        self.init(instant, in: TimeZone(identifier: identifier) ?? TimeZone(identifier: "UTC")!)
    }

    /// The start of `self` in `timeZone`, as an instant.
    public func start(in timeZone: TimeZone) -> Date {
        Day.calendar(timeZone).date(from: DateComponents(year: year, month: month, day: day))!
    }

    static func calendar(_ timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
