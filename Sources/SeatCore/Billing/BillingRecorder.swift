import Foundation

/// Records what an apply's purchases and removals cost, in the order the
/// apply makes them: a purchase charges `price × count × remainingDays /
/// periodDays` now; a removal credits the same formula, for the days the
/// license was paid for, to the account's credit balance.
///
/// A credit never exceeds what was paid for the licenses it credits: each
/// license remembers what its billed time cost (a purchase's rounded amount
/// is shared out to the cent between its licenses), and a removal credits at
/// most that.
public struct BillingRecorder: Sendable {
    public let catalog: Catalog
    public let today: Day
    public let now: Date
    public private(set) var billing: AccountBilling
    public private(set) var adjustments: [Adjustment] = []
    /// The records bought and removed licenses get, in the order recorded.
    public private(set) var changed = LicenseRecords()
    /// The account's records of the licenses to be removed, when they were
    /// found ahead (see ``willRemove(_:)``).
    private var removalRecords: [String: LicenseBilling]?

    /// `billing` is nil for an account with no billing records yet (a new
    /// one, or one from before billing): they start at its creation day.
    public init(catalog: Catalog, account: LedgerAccount, billing: AccountBilling?, today: Day, now: Date) {
        self.catalog = catalog
        self.today = today
        self.now = now
        self.billing = billing ?? .initial(for: account, currency: catalog.currency)
    }

    /// Records the purchase of `codes` (all of `plan`): licenses new to
    /// the account, which have no record yet. Their records follow one
    /// another in the order of `codes`, with no map of codes made for them.
    public mutating func bought(plan: String, codes: [String]) {
        guard let charge = charged(plan: plan, count: codes.count) else { return }
        for (code, share) in zip(codes, Self.shares(of: charge.amount, count: codes.count)) {
            changed.append(code, LicenseBilling(billedUntil: charge.billedUntil, paid: share))
        }
    }

    /// Records only the charge for buying `count` licenses of `plan`, no
    /// record per license: what pricing a plan needs, whose licenses have no
    /// codes yet. Returns the end of the billed time and the amount charged.
    @discardableResult
    public mutating func charged(plan: String, count: Int) -> (billedUntil: Day, amount: Money)? {
        guard let entry = catalog[plan], count > 0 else { return nil }
        let period = billing.cycle.period(entry.billing, containing: today)
        let span = BillingSpan(start: today, end: period.end)
        let amount = Proration.amount(price: entry.price, count: count, remainingDays: span.days, periodDays: period.days)
        adjustments.append(Adjustment(kind: .charge, plan: plan, count: count, span: span, periodDays: period.days,
                                      amount: amount, at: now))
        return (period.end, amount)
    }

    /// Finds the account's records of all the licenses `codes` names, which
    /// are to be removed, in one pass over the account's records: otherwise
    /// each ``removed(plan:codes:)`` makes its own pass, one per plan that
    /// licenses are removed from.
    public mutating func willRemove<Codes: Sequence>(_ codes: Codes) where Codes.Element == String {
        removalRecords = billing.licenses.records(for: codes)
    }

    /// Records the removal of `codes` (all of `plan`): one credit line per
    /// end of billed time (normally one).
    public mutating func removed(plan: String, codes: [String]) {
        guard let entry = catalog[plan], !codes.isEmpty else { return }
        let period = billing.cycle.period(entry.billing, containing: today)
        var groups: [Day: (count: Int, paid: Money)] = [:]
        // The removed licenses' records, found ahead or in one pass over the account's.
        let stored = removalRecords ?? billing.licenses.records(for: codes.filter { changed[$0] == nil })
        for code in codes {
            // A license with no billing record predates billing: paid to the period's end.
            let record = changed[code] ?? stored[code]
                ?? LicenseBilling(billedUntil: period.end, paid: Proration.amount(price: entry.price, count: 1,
                                                                                   remainingDays: period.remainingDays(from: today),
                                                                                   periodDays: period.days))
            if record.billedUntil > today {
                let group = groups[record.billedUntil] ?? (0, .zero(entry.price.currency))
                groups[record.billedUntil] = (group.count + 1, group.paid + record.paid)
            }
            var ended = record
            ended.billedUntil = min(record.billedUntil, today)
            ended.paid = .zero(entry.price.currency)
            changed[code] = ended
        }
        for (until, group) in groups.sorted(by: { $0.key < $1.key }) {
            let span = BillingSpan(start: today, end: until)
            let prorated = Proration.amount(price: entry.price, count: group.count, remainingDays: span.days, periodDays: period.days)
            let amount = min(prorated, group.paid)
            guard amount.minorUnits > 0 else { continue }
            adjustments.append(Adjustment(kind: .credit, plan: plan, count: group.count, span: span, periodDays: period.days,
                                          amount: amount, at: now))
            billing.creditBalance = billing.creditBalance + amount
        }
    }

    /// What the apply writes.
    public var writes: BillingWrites {
        BillingWrites(anchor: billing.anchor, currency: billing.currency, creditBalance: billing.creditBalance,
                      adjustments: adjustments, licenses: changed)
    }

    /// Makes room for records of `count` licenses in all, so that a large
    /// purchase does not grow the records step by step.
    public mutating func reserveCapacity(_ count: Int) {
        changed.reserveCapacity(count)
    }

    /// `amount` split into `count` whole-unit shares that add up to it exactly.
    static func shares(of amount: Money, count: Int) -> [Money] {
        let base = amount.minorUnits / Int64(count)
        let extra = Int(amount.minorUnits % Int64(count))
        return (0..<count).map { Money(minorUnits: base + ($0 < extra ? 1 : 0), currency: amount.currency) }
    }
}
