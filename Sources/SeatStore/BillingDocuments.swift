import Foundation

/// Every billing document of a ledger as stored rows, for `seatctl state
/// copy`: issued invoices and their lines, payments, deliveries and every
/// adjustment (pending or on an invoice), with their ids. Field names are the
/// columns of migration "v2" (``LedgerSchema/billingTables``), so a store can
/// send the rows as JSON and read them back the same way. Instants are
/// milliseconds since 1970-01-01T00:00:00Z, days `YYYY-MM-DD`, amounts minor
/// units.
public struct BillingDocuments: Hashable, Sendable {
    /// Sorted by id (UTF-8 bytes).
    public var invoices: [InvoiceRow]
    /// Sorted by invoice (UTF-8 bytes), then position.
    public var invoiceLines: [InvoiceLineRow]
    /// Sorted by id.
    public var payments: [PaymentRow]
    /// Sorted by id.
    public var deliveries: [DeliveryRow]
    /// Sorted by id.
    public var adjustments: [AdjustmentRow]

    /// Rows as read, put in the order above whatever order a store returned them in.
    public init(invoices: [InvoiceRow] = [], invoiceLines: [InvoiceLineRow] = [], payments: [PaymentRow] = [],
                deliveries: [DeliveryRow] = [], adjustments: [AdjustmentRow] = []) {
        self.invoices = invoices.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
        self.invoiceLines = invoiceLines.sorted {
            $0.invoice == $1.invoice ? $0.position < $1.position : $0.invoice.utf8.lexicographicallyPrecedes($1.invoice.utf8)
        }
        self.payments = payments.sorted { $0.id < $1.id }
        self.deliveries = deliveries.sorted { $0.id < $1.id }
        self.adjustments = adjustments.sorted { $0.id < $1.id }
    }

    /// An `invoices` row.
    public struct InvoiceRow: Codable, Hashable, Sendable {
        public var id: String, account: String, date: String, currency: String
        public var subtotal_minor: Int64, credit_applied_minor: Int64, total_minor: Int64
        public var status: String, issued_at: Int64, sent_at: Int64?

        public init(id: String, account: String, date: String, currency: String, subtotal_minor: Int64,
                    credit_applied_minor: Int64, total_minor: Int64, status: String, issued_at: Int64, sent_at: Int64?) {
            self.id = id; self.account = account; self.date = date; self.currency = currency
            self.subtotal_minor = subtotal_minor; self.credit_applied_minor = credit_applied_minor; self.total_minor = total_minor
            self.status = status; self.issued_at = issued_at; self.sent_at = sent_at
        }
    }

    /// An `invoice_lines` row.
    public struct InvoiceLineRow: Codable, Hashable, Sendable {
        public var invoice: String, position: Int, kind: String, plan: String, count: Int
        public var span_start: String, span_end: String, period_days: Int, amount_minor: Int64

        public init(invoice: String, position: Int, kind: String, plan: String, count: Int, span_start: String,
                    span_end: String, period_days: Int, amount_minor: Int64) {
            self.invoice = invoice; self.position = position; self.kind = kind; self.plan = plan; self.count = count
            self.span_start = span_start; self.span_end = span_end; self.period_days = period_days; self.amount_minor = amount_minor
        }
    }

    /// A `payments` row: the payment method's opaque reference only.
    public struct PaymentRow: Codable, Hashable, Sendable {
        public var id: Int64, invoice: String, account: String, amount_minor: Int64, currency: String
        public var method_reference: String, at: Int64, actor: String

        public init(id: Int64, invoice: String, account: String, amount_minor: Int64, currency: String,
                    method_reference: String, at: Int64, actor: String) {
            self.id = id; self.invoice = invoice; self.account = account; self.amount_minor = amount_minor
            self.currency = currency; self.method_reference = method_reference; self.at = at; self.actor = actor
        }
    }

    /// An `invoice_deliveries` row.
    public struct DeliveryRow: Codable, Hashable, Sendable {
        public var id: Int64, invoice: String, license: String, at: Int64, actor: String

        public init(id: Int64, invoice: String, license: String, at: Int64, actor: String) {
            self.id = id; self.invoice = invoice; self.license = license; self.at = at; self.actor = actor
        }
    }

    /// An `adjustments` row; `invoice` is nil while it is pending.
    public struct AdjustmentRow: Codable, Hashable, Sendable {
        public var id: Int64, account: String, kind: String, plan: String, count: Int
        public var span_start: String, span_end: String, period_days: Int, amount_minor: Int64, currency: String
        public var at: Int64, invoice: String?

        public init(id: Int64, account: String, kind: String, plan: String, count: Int, span_start: String, span_end: String,
                    period_days: Int, amount_minor: Int64, currency: String, at: Int64, invoice: String?) {
            self.id = id; self.account = account; self.kind = kind; self.plan = plan; self.count = count
            self.span_start = span_start; self.span_end = span_end; self.period_days = period_days
            self.amount_minor = amount_minor; self.currency = currency; self.at = at; self.invoice = invoice
        }
    }
}
