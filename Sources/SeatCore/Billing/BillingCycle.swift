/// A billing period: `start` inclusive, `end` exclusive, both days in the
/// account's time zone.
public struct BillingSpan: Hashable, Sendable, Codable, CustomStringConvertible {
    public var start: Day
    public var end: Day

    public init(start: Day, end: Day) {
        self.start = start
        self.end = end
    }

    /// Number of days in the span.
    public var days: Int { start.days(until: end) }

    /// Days from `day` (counted) to the end.
    public func remainingDays(from day: Day) -> Int { max(0, min(day.days(until: end), days)) }

    public func contains(_ day: Day) -> Bool { start <= day && day < end }

    /// `2026-11-22 – 2026-12-21` (the last day inclusive, as people read it).
    public var description: String { "\(start) – \(end.adding(days: -1))" }
}

/// Where billing periods fall: every period is counted from the account's
/// billing anchor (the day it was created), monthly ones with month-end
/// clamping (an anchor on the 31st renews on 30 April and 28/29 February).
public struct BillingCycle: Hashable, Sendable {
    public var anchor: Day

    public init(anchor: Day) {
        self.anchor = anchor
    }

    /// The period of `billing` that contains `day`.
    public func period(_ billing: BillingPeriod, containing day: Day) -> BillingSpan {
        switch billing {
        case .daily: return BillingSpan(start: day, end: day.adding(days: 1))
        case .monthly: return span(months: 1, containing: day)
        case .yearly: return span(months: 12, containing: day)
        }
    }

    /// The account's invoice dates are its monthly renewal days: the
    /// monthly period that contains `day`.
    public func invoicePeriod(containing day: Day) -> BillingSpan { span(months: 1, containing: day) }

    /// True when a period of `billing` starts on `day`.
    public func periodStarts(_ billing: BillingPeriod, on day: Day) -> Bool {
        period(billing, containing: day).start == day
    }

    private func span(months: Int, containing day: Day) -> BillingSpan {
        // A first guess from the month difference, then step to the exact period.
        var k = ((day.year - anchor.year) * 12 + (day.month - anchor.month)) / months
        while Day.monthly(anchor: anchor, plus: k * months) > day { k -= 1 }
        while Day.monthly(anchor: anchor, plus: (k + 1) * months) <= day { k += 1 }
        return BillingSpan(start: Day.monthly(anchor: anchor, plus: k * months),
                           end: Day.monthly(anchor: anchor, plus: (k + 1) * months))
    }
}
