import Foundation

/// Whether a license's current period has been invoiced, and paid.
public enum InvoiceState: String, Sendable, Codable, CaseIterable {
    case invoiced, paid
}

/// What the ledger knows about one license's billing: the day its billed
/// time runs out, and the invoice state of its current period.
public struct LicenseBilling: Hashable, Sendable, Codable {
    /// The first day not paid for (exclusive end of the billed time).
    public var billedUntil: Day
    /// nil until an invoice covers the license's current period.
    public var invoiceState: InvoiceState?
    /// The invoice that billed the current period, if any.
    public var invoice: String?
    /// What was paid for the billed time that ends on `billedUntil`: the
    /// most a removal can credit back for this license.
    public var paid: Money

    public init(billedUntil: Day, paid: Money, invoiceState: InvoiceState? = nil, invoice: String? = nil) {
        self.billedUntil = billedUntil
        self.paid = paid
        self.invoiceState = invoiceState
        self.invoice = invoice
    }
}

/// A prorated charge (a purchase) or credit (a removal) recorded by an apply.
public struct Adjustment: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Charged now to the account's payment method.
        case charge
        /// Added to the account's credit balance.
        case credit
    }

    public var kind: Kind
    public var plan: String
    public var count: Int
    /// The day of the change (counted) and the exclusive end of the period.
    public var span: BillingSpan
    /// Length of the whole period the amount is a share of.
    public var periodDays: Int
    public var amount: Money
    public var at: Date
    /// The invoice that lists it; nil until the next invoice is issued.
    public var invoice: String?

    public init(kind: Kind, plan: String, count: Int, span: BillingSpan, periodDays: Int, amount: Money, at: Date,
                invoice: String? = nil) {
        self.kind = kind
        self.plan = plan
        self.count = count
        self.span = span
        self.periodDays = periodDays
        self.amount = amount
        self.at = at
        self.invoice = invoice
    }

    /// `3 × full-suite-monthly, 10 of 30 days (2026-11-22 – 2026-12-01)`.
    public var detail: String {
        "\(count) × \(plan), \(span.days) of \(periodDays) day\(periodDays == 1 ? "" : "s") (\(span))"
    }
}

/// An account's billing state: anchor, credit balance, invoices so far,
/// recorded storage usage and each license's billed time.
public struct AccountBilling: Hashable, Sendable {
    /// The day the account was created, in its time zone; periods count from it.
    public var anchor: Day
    public var currency: String
    /// Credit from removals not yet applied to an invoice (minor units ≥ 0).
    public var creditBalance: Money
    /// The date of the latest issued recurring invoice, if any.
    public var lastInvoiceDate: Day?
    /// Recorded data usage in GB, if any.
    public var usageGB: Int?
    /// When the usage was last recorded, if it was.
    public var usageRecordedAt: Date?
    /// By license code, in the order of the snapshot's licenses when read
    /// from a store (see ``LicenseRecords``).
    public var licenses: LicenseRecords
    /// Adjustments not yet listed on an invoice, oldest first.
    public var pendingAdjustments: [Adjustment]

    public init(anchor: Day, currency: String, creditBalance: Money? = nil, lastInvoiceDate: Day? = nil, usageGB: Int? = nil,
                usageRecordedAt: Date? = nil, licenses: LicenseRecords = [:], pendingAdjustments: [Adjustment] = []) {
        self.anchor = anchor
        self.currency = currency
        self.creditBalance = creditBalance ?? .zero(currency)
        self.lastInvoiceDate = lastInvoiceDate
        self.usageGB = usageGB
        self.usageRecordedAt = usageRecordedAt
        self.licenses = licenses
        self.pendingAdjustments = pendingAdjustments
    }

    public var cycle: BillingCycle { BillingCycle(anchor: anchor) }

    /// The records of an account that has none yet: anchored on the day it
    /// was created, in its time zone.
    public static func initial(for account: LedgerAccount, currency: String) -> AccountBilling {
        AccountBilling(anchor: Day(account.createdAt, inZoneNamed: account.timezone), currency: currency)
    }

    /// The date of the next recurring invoice: the first monthly renewal day
    /// after the latest invoice (the first period is charged when bought).
    public var nextInvoiceDate: Day {
        let after = lastInvoiceDate ?? anchor
        return cycle.invoicePeriod(containing: after).end
    }
}

/// What an apply adds to the billing records, persisted with its other writes.
public struct BillingWrites: Hashable, Sendable {
    /// The account's billing anchor (written when the account's billing row is created).
    public var anchor: Day
    public var currency: String
    /// The credit balance after the apply.
    public var creditBalance: Money
    public var adjustments: [Adjustment]
    /// Billing state of licenses bought or removed, by code: in the order
    /// recorded, which for a purchase is the order of its licenses' rows.
    public var licenses: LicenseRecords

    public init(anchor: Day, currency: String, creditBalance: Money, adjustments: [Adjustment] = [],
                licenses: LicenseRecords = [:]) {
        self.anchor = anchor
        self.currency = currency
        self.creditBalance = creditBalance
        self.adjustments = adjustments
        self.licenses = licenses
    }

    /// Total charged now.
    public var chargeNow: Money { total(.charge) }
    /// Total credited to the balance.
    public var credit: Money { total(.credit) }

    private func total(_ kind: Adjustment.Kind) -> Money {
        adjustments.filter { $0.kind == kind }.reduce(.zero(currency)) { $0 + $1.amount }
    }
}

extension AccountBilling {
    /// The records after an apply's billing writes.
    public func applying(_ writes: BillingWrites?) -> AccountBilling {
        guard let writes else { return self }
        var result = applyingTotals(writes)
        result.licenses.merge(writes.licenses)
        return result
    }

    /// `applying(writes)` except for the license records, which stay as
    /// they were: the new credit balance and pending adjustments.
    func applyingTotals(_ writes: BillingWrites) -> AccountBilling {
        var result = self
        result.creditBalance = writes.creditBalance
        result.pendingAdjustments += writes.adjustments
        return result
    }
}

extension BillingWrites {
    /// The license records to write: first those of `licenses`, the rows
    /// an apply writes, in their order (a store writes both tables in it,
    /// so that reading both in storage order reads the records in the order
    /// of the snapshot's licenses, see ``LicenseRecords``), then any other
    /// by code.
    public func records(inOrderOf licenses: [License]) -> LicenseRecords {
        // Records made in the rows' order (an account's first apply, whose
        // rows are its purchases) are that order already: 2,000,000 records
        // are not looked up one by one into a copy.
        if self.licenses.isAligned(with: licenses) { return self.licenses }
        var ordered = LicenseRecords()
        ordered.reserveCapacity(self.licenses.count)
        for license in licenses {
            if let record = self.licenses[license.code] { ordered.append(license.code, record) }
        }
        if ordered.count < self.licenses.count {
            let written = Set(licenses.map(\.code))
            var others: [String: LicenseBilling] = [:]
            for (code, record) in self.licenses where !written.contains(code) { others[code] = record }
            ordered.merge(others)
        }
        return ordered
    }

    /// The records of an account whose first billing write this is, the
    /// license records in the order of `licenses` (see ``records(inOrderOf:)``).
    public func initialBilling(inOrderOf licenses: [License]) -> AccountBilling {
        AccountBilling(anchor: anchor, currency: currency, creditBalance: creditBalance, licenses: records(inOrderOf: licenses),
                       pendingAdjustments: adjustments)
    }
}

extension AccountBilling {
    /// The records after issuing `invoice`, which billed the licenses in
    /// `billed`: credit applied is taken off the balance, the adjustments it
    /// lists are no longer pending, and it becomes the latest invoice.
    public func issuing(_ invoice: Invoice, billed: [String: LicenseBilling]) -> AccountBilling {
        var result = self
        result.licenses.merge(billed)
        result.creditBalance = creditBalance - invoice.creditApplied
        result.pendingAdjustments = []
        result.lastInvoiceDate = invoice.date
        return result
    }
}
