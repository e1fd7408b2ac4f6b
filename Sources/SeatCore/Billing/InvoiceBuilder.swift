import Foundation

/// Builds the recurring invoice of a given date from the ledger's licenses
/// and billing records. Pure: `invoice preview` and `invoice issue` use the
/// same code, and so does the plan's "next invoice".
///
/// The invoice on day D (a monthly renewal of the account's anchor) bills
/// in advance, per license that is neither removed, expired nor paused:
/// - monthly and yearly plans: the plan's period that contains D, from the
///   day the license's paid time ends (whole price when that is the
///   period's start, prorated otherwise); nothing when it is paid already
///   (a yearly license mid-year);
/// - daily plans: every day from the end of its paid time to the next invoice date.
/// Paused licenses are not billed for periods that start while they are paused.
public struct InvoiceBuilder: Sendable {
    public var catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// The invoice dated `date`, and the billing records of the licenses it bills.
    public func invoice(account: String, date: Day, billing: AccountBilling, licenses: [License])
        -> (invoice: Invoice, billed: [String: LicenseBilling]) {
        build(account: account, date: date, billing: billing, licenses: licenses, recordsBilled: true)
    }

    /// The invoice dated `date`; with `recordsBilled` also the billing record
    /// of every license it bills (one per license: only an issued invoice
    /// needs them, a preview of 200,000 licenses should not build them).
    ///
    /// `changed` holds license records that replace those of `billing`.
    private func build(account: String, date: Day, billing: AccountBilling, changed: LicenseRecords = [:],
                       licenses: [License], recordsBilled: Bool)
        -> (invoice: Invoice, billed: [String: LicenseBilling]) {
        var lines = LineFinder(catalog: catalog, cycle: billing.cycle, date: date)
        // Licenses by line: their number, and their codes when records are kept.
        var counts = RunCounts<LineKey>()
        var groups: [LineKey: [String]] = [:]
        var billed: [String: LicenseBilling] = [:]
        // One record per active license: sized once, not grown through a dozen rehashes.
        if recordsBilled { billed.reserveCapacity(licenses.count) }
        // License i's record is at i when the records are in the licenses'
        // order, as a store reads them: 200,000 codes are not hashed.
        let records = billing.licenses.aligned(with: licenses)
        // The same for the changed records, which an account's first apply
        // makes in its licenses' order.
        let replaced = changed.isEmpty ? nil : changed.aligned(with: licenses)
        // Each license's fields are read where they are: a license copied
        // (as one passed whole to a function is) takes a reference to its
        // holder's string, which in a large account is a cache miss per
        // license (the users' strings are far apart).
        licenses.withUnsafeBufferPointer { licenses in
            for position in licenses.indices {
                let plan = licenses[position].plan
                guard let period = lines.period(status: licenses[position].status, endDate: licenses[position].endDate,
                                                plan: plan) else { continue }
                let code = licenses[position].code
                let record = replaced?.record(at: position, code: code) ?? records.record(at: position, code: code)
                guard let key = lines.key(plan: plan, period, record: record) else { continue }
                counts.add(key)
                if recordsBilled { groups[key, default: []].append(licenses[position].code) }
            }
        }
        let recurring = recurringLines(counts.totals)
        if recordsBilled {
            let id = Invoice.id(account: account, date: date)
            for (key, line) in recurring {
                guard let codes = groups[key] else { continue }
                for (code, share) in zip(codes.sorted(), BillingRecorder.shares(of: line.amount, count: line.count)) {
                    billed[code] = LicenseBilling(billedUntil: key.span.end, paid: share, invoiceState: .invoiced, invoice: id)
                }
            }
        }
        return (invoice(account: account, date: date, billing: billing, recurring: recurring.map(\.line)), billed)
    }

    /// The recurring lines for `counts` licenses per line, in invoice order.
    private func recurringLines(_ counts: [LineKey: Int]) -> [(key: LineKey, line: InvoiceLine)] {
        counts.sorted { ($0.key.plan, $0.key.span.start) < ($1.key.plan, $1.key.span.start) }.compactMap { key, count in
            guard let entry = catalog[key.plan] else { return nil }
            let amount = key.span.days == key.periodDays
                ? Proration.whole(price: entry.price, count: count)
                : Proration.amount(price: entry.price, count: count, remainingDays: key.span.days, periodDays: key.periodDays)
            return (key, InvoiceLine(kind: .recurring, plan: key.plan, count: count, span: key.span,
                                     periodDays: key.periodDays, amount: amount))
        }
    }

    /// The invoice of `recurring` lines and `billing`'s pending adjustments.
    private func invoice(account: String, date: Day, billing: AccountBilling, recurring: [InvoiceLine]) -> Invoice {
        var lines = recurring
        for adjustment in billing.pendingAdjustments {
            lines.append(InvoiceLine(kind: adjustment.kind == .charge ? .charge : .credit, plan: adjustment.plan,
                                     count: adjustment.count, span: adjustment.span, periodDays: adjustment.periodDays,
                                     amount: adjustment.amount))
        }
        var invoice = Invoice(id: Invoice.id(account: account, date: date), account: account, date: date,
                              currency: billing.currency, lines: lines, creditApplied: .zero(billing.currency))
        invoice.creditApplied = min(billing.creditBalance, invoice.subtotal)
        return invoice
    }

    /// The next invoice as it stands: dated ``AccountBilling/nextInvoiceDate``.
    public func next(account: String, billing: AccountBilling, licenses: [License]) -> Invoice {
        build(account: account, date: billing.nextInvoiceDate, billing: billing, licenses: licenses, recordsBilled: false).invoice
    }

    /// The next invoice once `writes` are applied to `billing`: the same as
    /// `next(billing: billing.applying(writes))`, with the changed license
    /// records looked up in `writes` rather than merged into a copy of
    /// every record (200,000 in a large account).
    public func next(account: String, billing: AccountBilling, applying writes: BillingWrites, licenses: [License]) -> Invoice {
        let after = billing.applyingTotals(writes)
        return build(account: account, date: after.nextInvoiceDate, billing: after, changed: writes.licenses,
                     licenses: licenses, recordsBilled: false).invoice
    }

    /// The same invoice as ``next(account:billing:applying:licenses:)``,
    /// worked out from `current`, the next invoice before the writes
    /// (``next(account:billing:licenses:)`` of the licenses before them),
    /// and the licenses the writes change, each as it was (nil for a new
    /// one) and as it becomes: every license whose row or billing record
    /// they change. The other licenses bill as before, so a change to a
    /// few of an account's 200,000 licenses looks at those few only.
    ///
    /// nil when `current` cannot be the invoice before the writes (another
    /// date, or fewer licenses on a line than the changes take off it).
    public func next(account: String, billing: AccountBilling, applying writes: BillingWrites, current: Invoice,
                     changing licenses: [(before: License?, after: License)]) -> Invoice? {
        let after = billing.applyingTotals(writes)
        let date = after.nextInvoiceDate
        guard current.date == date, current.account == account else { return nil }
        var counts: [LineKey: Int] = [:]
        for line in current.lines where line.kind == .recurring {
            counts[LineKey(plan: line.plan, span: line.span, periodDays: line.periodDays), default: 0] += line.count
        }
        var lines = LineFinder(catalog: catalog, cycle: after.cycle, date: date)
        let stored = billing.licenses.records(for: licenses.map(\.after.code))
        for (old, new) in licenses {
            if let old, let period = lines.period(billing: old), let key = lines.key(plan: old.plan, period, record: stored[old.code]) {
                counts[key, default: 0] -= 1
            }
            if let period = lines.period(billing: new),
               let key = lines.key(plan: new.plan, period, record: writes.licenses[new.code] ?? stored[new.code]) {
                counts[key, default: 0] += 1
            }
        }
        guard counts.values.allSatisfy({ $0 >= 0 }) else { return nil }
        return invoice(account: account, date: date, billing: after, recurring: recurringLines(counts.filter { $0.value > 0 }).map(\.line))
    }
}

/// One line of an invoice: the licenses of a plan billed for the same span.
private struct LineKey: Hashable {
    var plan: String
    var span: BillingSpan
    var periodDays: Int
}

/// Which line of the invoice dated `date` a license is billed on.
private struct LineFinder {
    let catalog: Catalog
    let cycle: BillingCycle
    let date: Day
    let invoiceEnd: Day
    /// The monthly and yearly periods containing `date`, worked out once.
    private var periods: [BillingPeriod: BillingSpan] = [:]
    /// Licenses bought together come in runs (one plan, one paid-until
    /// day): the plan's billing period is looked up, and the line worked
    /// out, once per run.
    private var lastPlan: (plan: String, billing: BillingPeriod)?
    private var lastLine: (plan: String, billedUntil: Day?, key: LineKey?)?

    init(catalog: Catalog, cycle: BillingCycle, date: Day) {
        self.catalog = catalog
        self.cycle = cycle
        self.date = date
        self.invoiceEnd = cycle.invoicePeriod(containing: date).end
    }

    /// The billing period of the plan of `license` when the invoice may
    /// bill it: an active license (neither removed, expired nor paused) of a
    /// plan in the catalog.
    mutating func period(billing license: License) -> BillingPeriod? {
        period(status: license.status, endDate: license.endDate, plan: license.plan)
    }

    /// ``period(billing:)`` of a license with `status`, `endDate` and `plan`.
    mutating func period(status: LicenseStatus, endDate: Day?, plan: String) -> BillingPeriod? {
        guard status == .active else { return nil }
        if let endDate, endDate < date { return nil }
        if let lastPlan, lastPlan.plan == plan { return lastPlan.billing }
        guard let found = catalog[plan] else { return nil }
        lastPlan = (plan, found.billing)
        return found.billing
    }

    /// The line a license of `plan`, billed per `billing` period, is billed
    /// on, given its billing `record`; nil when it is paid for already. It
    /// depends on the plan and the paid-until day alone.
    mutating func key(plan: String, _ billing: BillingPeriod, record: LicenseBilling?) -> LineKey? {
        let billedUntil = record?.billedUntil
        if let lastLine, lastLine.plan == plan, lastLine.billedUntil == billedUntil { return lastLine.key }
        let key = line(plan: plan, billing, billedUntil: billedUntil)
        lastLine = (plan, billedUntil, key)
        return key
    }

    private mutating func line(plan: String, _ billing: BillingPeriod, billedUntil: Day?) -> LineKey? {
        let period: BillingSpan
        let span: BillingSpan
        switch billing {
        case .daily:
            // Days not yet paid for, up to the next invoice date (catching up any before `date`).
            let from = billedUntil ?? date
            period = BillingSpan(start: date, end: date.adding(days: 1))
            span = BillingSpan(start: min(from, invoiceEnd), end: invoiceEnd)
        case .monthly, .yearly:
            if let known = periods[billing] {
                period = known
            } else {
                period = cycle.period(billing, containing: date)
                periods[billing] = period
            }
            let from = max(billedUntil ?? period.start, period.start)
            span = BillingSpan(start: min(from, period.end), end: period.end)
        }
        guard span.days > 0 else { return nil }
        return LineKey(plan: plan, span: span, periodDays: period.days)
    }
}

extension InvoiceBuilder {
    /// Every invoice due on or before `day`, oldest first, each built on the
    /// records the previous one left: what `invoice issue` records.
    public func due(account: String, billing: AccountBilling, licenses: [License], through day: Day)
        -> (invoices: [(invoice: Invoice, billed: [String: LicenseBilling])], billing: AccountBilling) {
        var billing = billing
        var issued: [(invoice: Invoice, billed: [String: LicenseBilling])] = []
        while billing.nextInvoiceDate <= day {
            let next = invoice(account: account, date: billing.nextInvoiceDate, billing: billing, licenses: licenses)
            billing = billing.issuing(next.invoice, billed: next.billed)
            issued.append(next)
        }
        return (issued, billing)
    }
}
