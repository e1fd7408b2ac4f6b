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
    private func build(account: String, date: Day, billing: AccountBilling, changed: [String: LicenseBilling] = [:],
                       licenses: [License], recordsBilled: Bool)
        -> (invoice: Invoice, billed: [String: LicenseBilling]) {
        let cycle = billing.cycle
        let invoiceEnd = cycle.invoicePeriod(containing: date).end
        let id = Invoice.id(account: account, date: date)
        struct Key: Hashable { var plan: String; var span: BillingSpan; var periodDays: Int }
        // Licenses by line: their number, and their codes when records are kept.
        var counts = RunCounts<Key>()
        var groups: [Key: [String]] = [:]
        var billed: [String: LicenseBilling] = [:]
        // One record per active license: sized once, not grown through a dozen rehashes.
        if recordsBilled { billed.reserveCapacity(licenses.count) }
        // The monthly and yearly periods containing `date`, worked out once.
        var periods: [BillingPeriod: BillingSpan] = [:]
        // Licenses bought together come in runs: the plan's entry is looked
        // up once per run, and so is the run's line (`RunCounts`).
        var last: (plan: String, entry: CatalogPlan)?
        for license in licenses where license.status == .active {
            if let end = license.endDate, end < date { continue }
            let entry: CatalogPlan
            if let last, last.plan == license.plan {
                entry = last.entry
            } else {
                guard let found = catalog[license.plan] else { continue }
                entry = found
                last = (license.plan, found)
            }
            let record = changed.isEmpty ? billing.licenses[license.code] : changed[license.code] ?? billing.licenses[license.code]
            let period: BillingSpan
            let span: BillingSpan
            switch entry.billing {
            case .daily:
                // Days not yet paid for, up to the next invoice date (catching up any before `date`).
                let from = record?.billedUntil ?? date
                period = BillingSpan(start: date, end: date.adding(days: 1))
                span = BillingSpan(start: min(from, invoiceEnd), end: invoiceEnd)
            case .monthly, .yearly:
                if let known = periods[entry.billing] {
                    period = known
                } else {
                    period = cycle.period(entry.billing, containing: date)
                    periods[entry.billing] = period
                }
                let from = max(record?.billedUntil ?? period.start, period.start)
                span = BillingSpan(start: min(from, period.end), end: period.end)
            }
            guard span.days > 0 else { continue }
            let key = Key(plan: license.plan, span: span, periodDays: period.days)
            counts.add(key)
            if recordsBilled { groups[key, default: []].append(license.code) }
        }
        var lines: [InvoiceLine] = []
        for (key, count) in counts.totals.sorted(by: { ($0.key.plan, $0.key.span.start) < ($1.key.plan, $1.key.span.start) }) {
            guard let entry = catalog[key.plan] else { continue }
            let amount = key.span.days == key.periodDays
                ? Proration.whole(price: entry.price, count: count)
                : Proration.amount(price: entry.price, count: count, remainingDays: key.span.days, periodDays: key.periodDays)
            lines.append(InvoiceLine(kind: .recurring, plan: key.plan, count: count, span: key.span,
                                     periodDays: key.periodDays, amount: amount))
            guard recordsBilled, let codes = groups[key] else { continue }
            for (code, share) in zip(codes.sorted(), BillingRecorder.shares(of: amount, count: count)) {
                billed[code] = LicenseBilling(billedUntil: key.span.end, paid: share, invoiceState: .invoiced, invoice: id)
            }
        }
        for adjustment in billing.pendingAdjustments {
            lines.append(InvoiceLine(kind: adjustment.kind == .charge ? .charge : .credit, plan: adjustment.plan,
                                     count: adjustment.count, span: adjustment.span, periodDays: adjustment.periodDays,
                                     amount: adjustment.amount))
        }
        var invoice = Invoice(id: id, account: account, date: date, currency: billing.currency, lines: lines,
                              creditApplied: .zero(billing.currency))
        invoice.creditApplied = min(billing.creditBalance, invoice.subtotal)
        return (invoice, billed)
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
