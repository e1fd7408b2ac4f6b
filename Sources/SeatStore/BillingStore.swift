import Foundation
import SeatCore

/// A ledger that also keeps billing documents: invoices, payments,
/// deliveries and recorded storage usage. Stores persist; what an invoice
/// holds is computed by `SeatCore.InvoiceBuilder`.
public protocol BillingStore: LedgerStore {
    /// The account's issued invoices, oldest first, with their lines.
    func invoices(account: String) throws -> [Invoice]

    /// One issued invoice, or nil.
    func invoice(id: String) throws -> Invoice?

    /// Inside one write transaction: reads the account's snapshot, calls
    /// `issue` with it, and records the invoices it returns (lines, the
    /// licenses each bills, the adjustments it lists, the credit applied).
    /// Journals `issue_invoice` for each. Returns the invoices recorded.
    func issueInvoices(
        account: String, actor: String, at: Date,
        _ issue: (LedgerSnapshot) throws -> (invoices: [(invoice: Invoice, billed: [String: LicenseBilling])], billing: AccountBilling)
    ) throws -> [Invoice]

    /// Records a payment of an open invoice's total with an opaque payment
    /// method reference; marks the invoice and the licenses it billed `paid`.
    func recordPayment(invoice: String, reference: String, actor: String, at: Date) throws -> Invoice

    /// Records that `invoice` was sent for each of `licenses`.
    func recordDelivery(invoice: String, licenses: [String], actor: String, at: Date) throws

    /// Records the account's data usage in GB (journaled as `set_usage`).
    func recordUsage(account: String, gigabytes: Int, actor: String, at: Date) throws
}

/// Why a billing operation was refused.
public enum BillingStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case noAccount(String)
    case noInvoice(String)
    case alreadyPaid(String)

    public var description: String {
        switch self {
        case .noAccount(let id): return "no account \"\(id)\" in the ledger"
        case .noInvoice(let id): return "no invoice \"\(id)\" in the ledger"
        case .alreadyPaid(let id): return "invoice \(id) is paid already"
        }
    }
}

extension JournalEntry {
    /// The journal entry of a recorded payment, the same in every store:
    /// the payment-method reference appears masked, never whole.
    public static func paidInvoice(_ invoice: Invoice, reference: String, actor: String, at: Date, serial: Int) -> JournalEntry {
        JournalEntry(at: at, account: invoice.account, actor: actor, action: "pay_invoice", subject: invoice.id,
                     from: "open", to: "paid \(invoice.total.formatted) (payment method \(PaymentReference.masked(reference)))",
                     serial: serial)
    }
}
