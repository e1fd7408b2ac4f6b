import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    /// The whole ledger in one read transaction: a fixed number of queries per account
    /// (never per user or license), plus the catalog, the billing documents and the journal.
    public func exportLedger() throws -> LedgerContents {
        try translating {
            try writer.read { db in
                let ids = try String.fetchAll(db, sql: "SELECT id FROM accounts ORDER BY id")
                return LedgerContents(
                    catalog: try Self.readCatalog(db),
                    accounts: try ids.map { try Self.readSnapshot(account: $0, db) },
                    journal: try Self.readJournal(account: nil, since: nil, db),
                    documents: try Self.readBillingDocuments(db))
            }
        }
    }

    public func importLedger(_ export: LedgerContents) throws {
        try write(bulk: true) { db in
            let used = try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM catalog) + (SELECT COUNT(*) FROM journal)
                """) ?? 0
            guard used == 0 else { throw LedgerError.notEmpty(path) }
            if let catalog = export.catalog { try Self.writeCatalogRows(catalog, db) }
            for snapshot in export.accounts {
                guard let writes = LedgerContents.writes(recreating: snapshot) else { continue }
                try Self.persist(writes, account: writes.account.id, db)
                if let billing = snapshot.billing { try Self.writeBilling(billing, account: writes.account.id, db) }
            }
            try Self.writeBillingDocuments(export.documents, db)
            try Self.appendJournal(export.journal, db)
        }
    }
}

extension SQLiteLedgerStore {
    /// Writes a copied account's billing records as they were; its
    /// adjustments come with the billing documents (ids included).
    static func writeBilling(_ billing: AccountBilling, account id: String, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO account_billing (account, anchor, currency, credit_balance_minor, last_invoice_date, usage_gb,
                                         usage_recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, StoredValue.text(billing.anchor), billing.currency, billing.creditBalance.minorUnits,
                             billing.lastInvoiceDate.map(StoredValue.text), billing.usageGB,
                             billing.usageRecordedAt.map(StoredValue.milliseconds)])
        try upsertLicenseBilling(billing.licenses, account: id, db)
    }
}
