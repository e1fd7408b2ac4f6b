import Foundation

/// One line of an invoice.
public struct InvoiceLine: Hashable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A period of licenses billed in advance.
        case recurring
        /// A purchase's prorated charge since the previous invoice, already
        /// charged when it was made (listed, not added to the total).
        case charge
        /// A removal's prorated credit since the previous invoice (listed;
        /// the credit balance is applied once, as "credit applied").
        case credit
    }

    public var kind: Kind
    public var plan: String
    public var count: Int
    public var span: BillingSpan
    public var periodDays: Int
    public var amount: Money

    public init(kind: Kind, plan: String, count: Int, span: BillingSpan, periodDays: Int, amount: Money) {
        self.kind = kind
        self.plan = plan
        self.count = count
        self.span = span
        self.periodDays = periodDays
        self.amount = amount
    }

    /// `7 × full-suite-monthly, 2026-12-22 – 2027-01-21` (with `12 of 31 days` when prorated).
    public var detail: String {
        let share = span.days == periodDays ? "" : ", \(span.days) of \(periodDays) day\(periodDays == 1 ? "" : "s")"
        return "\(count) × \(plan)\(share), \(span)"
    }
}

/// Whether an invoice has been paid.
public enum InvoiceStatus: String, Sendable, Codable {
    case open, paid
}

/// A recurring invoice: recurring lines for every billed license, the
/// adjustments since the previous invoice, the credit applied and the total.
public struct Invoice: Hashable, Sendable {
    /// `acme-2026-12-22`: the account and the invoice date.
    public var id: String
    public var account: String
    public var date: Day
    public var currency: String
    public var lines: [InvoiceLine]
    /// Credit balance applied (never more than the recurring subtotal).
    public var creditApplied: Money
    public var status: InvoiceStatus
    public var issuedAt: Date?
    /// When it was last sent, if ever.
    public var sentAt: Date?
    /// The payment method's opaque reference, once paid.
    public var paymentReference: String?

    public init(id: String, account: String, date: Day, currency: String, lines: [InvoiceLine], creditApplied: Money,
                status: InvoiceStatus = .open, issuedAt: Date? = nil, sentAt: Date? = nil, paymentReference: String? = nil) {
        self.id = id
        self.account = account
        self.date = date
        self.currency = currency
        self.lines = lines
        self.creditApplied = creditApplied
        self.status = status
        self.issuedAt = issuedAt
        self.sentAt = sentAt
        self.paymentReference = paymentReference
    }

    public static func id(account: String, date: Day) -> String { "\(account)-\(date)" }

    /// Sum of the recurring lines.
    public var subtotal: Money {
        lines.filter { $0.kind == .recurring }.reduce(.zero(currency)) { $0 + $1.amount }
    }

    /// What is due: the recurring subtotal less the credit applied.
    public var total: Money { subtotal - creditApplied }
}
