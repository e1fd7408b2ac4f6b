/// Proration: `price × count × remainingDays / periodDays`, in integer minor
/// units, rounded half-up once (per invoice line).
public enum Proration {
    /// The prorated amount of `count` licenses at `price` for `remainingDays`
    /// of a `periodDays`-day period. Exact integer arithmetic on 128 bits, so
    /// no intermediate product overflows; the result is rounded half-up.
    public static func amount(price: Money, count: Int, remainingDays: Int, periodDays: Int) -> Money {
        precondition(count >= 0 && remainingDays >= 0 && periodDays > 0 && price.minorUnits >= 0)
        let numerator = Int128(price.minorUnits) * Int128(count) * Int128(remainingDays)
        let denominator = Int128(periodDays)
        let rounded = (numerator * 2 + denominator) / (denominator * 2)
        return Money(minorUnits: Int64(clamping: rounded), currency: price.currency)
    }

    /// `price × count × periods`, exact (whole periods need no rounding).
    public static func whole(price: Money, count: Int, periods: Int = 1) -> Money {
        let product = Int128(price.minorUnits) * Int128(count) * Int128(periods)
        return Money(minorUnits: Int64(clamping: product), currency: price.currency)
    }
}

extension Money {
    /// Sum of amounts in one currency.
    public static func + (lhs: Money, rhs: Money) -> Money {
        Money(minorUnits: lhs.minorUnits &+ rhs.minorUnits, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        Money(minorUnits: lhs.minorUnits &- rhs.minorUnits, currency: lhs.currency)
    }
}
