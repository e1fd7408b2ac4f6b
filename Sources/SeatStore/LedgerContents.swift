import Foundation
import SeatCore

/// A whole ledger as data, for `seatctl state copy`: the catalog, every
/// account (as its snapshot: account row, users, licenses, contract terms,
/// deferrals, billing state and pending charges and credits), every billing
/// document with its id and the whole journal in order. Locks are not part of it:
/// they belong to the processes using one store.
public struct LedgerContents: Hashable, Sendable {
    public var catalog: Catalog?
    /// Sorted by account id.
    public var accounts: [LedgerSnapshot]
    /// Oldest first, ties in the order they were written.
    public var journal: [JournalEntry]

    /// Invoices and their lines, payments, deliveries and adjustments, as
    /// stored. The accounts' pending adjustments appear both here (with their
    /// ids, which is what an import writes) and in their snapshots.
    public var documents: BillingDocuments

    public init(catalog: Catalog?, accounts: [LedgerSnapshot], journal: [JournalEntry], documents: BillingDocuments = BillingDocuments()) {
        self.catalog = catalog
        self.accounts = accounts
        self.journal = journal
        self.documents = documents
    }

    /// What a copy verifies and reports.
    public var counts: LedgerCounts {
        LedgerCounts(
            catalogPlans: catalog?.plans.count ?? 0,
            accounts: accounts.count,
            users: accounts.reduce(0) { $0 + $1.users.count },
            licenses: accounts.reduce(0) { $0 + $1.licenses.count },
            contractTerms: accounts.reduce(0) { $0 + $1.contractStarts.count },
            deferrals: accounts.reduce(0) { $0 + $1.deferrals.count },
            invoices: documents.invoices.count,
            invoiceLines: documents.invoiceLines.count,
            payments: documents.payments.count,
            deliveries: documents.deliveries.count,
            adjustments: documents.adjustments.count,
            journalEntries: journal.count)
    }

    /// The rows that recreate one exported account in an empty store.
    public static func writes(recreating snapshot: LedgerSnapshot) -> LedgerWrites? {
        guard let account = snapshot.account else { return nil }
        return LedgerWrites(
            account: account, isNewAccount: true, users: snapshot.users, licenses: snapshot.licenses,
            contractStarts: snapshot.contractStarts, deferrals: snapshot.deferrals, journal: [])
    }
}

/// Row counts of a ledger, by kind.
public struct LedgerCounts: Hashable, Sendable {
    public var catalogPlans: Int
    public var accounts: Int
    public var users: Int
    public var licenses: Int
    public var contractTerms: Int
    public var deferrals: Int
    public var invoices: Int
    public var invoiceLines: Int
    public var payments: Int
    public var deliveries: Int
    /// Pending and invoiced.
    public var adjustments: Int
    public var journalEntries: Int

    /// Label and count, in report order.
    public var rows: [(String, Int)] {
        [("catalog plans", catalogPlans), ("accounts", accounts), ("users", users), ("licenses", licenses),
         ("contract terms", contractTerms), ("deferrals", deferrals), ("invoices", invoices), ("invoice lines", invoiceLines),
         ("payments", payments), ("invoice deliveries", deliveries), ("adjustments", adjustments),
         ("journal entries", journalEntries)]
    }
}
