import Foundation
import PostgresNIO
import SeatCore
import SeatStore

extension PostgresLedgerStore {
    /// The whole ledger in one `REPEATABLE READ READ ONLY` transaction: five
    /// queries per account (never per user or license), the catalog, the billing
    /// documents and the journal.
    public func exportLedger() throws -> LedgerContents {
        try session.transaction(.readOnly) { session in
            LedgerContents(
                catalog: try Self.readCatalog(session),
                accounts: try Self.readAccountIDs(session).map { try Self.readSnapshot(account: $0, session) },
                journal: try Self.readJournal(account: nil, since: nil, session),
                documents: try Self.readBillingDocuments(session))
        }
    }

    public func importLedger(_ export: LedgerContents) throws {
        try session.transaction(.write) { session in
            // Nobody else fills the target while this copy runs.
            try session.execute("LOCK TABLE catalog, accounts, journal IN EXCLUSIVE MODE")
            let used = try session.execute("""
                SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM catalog) + (SELECT count(*) FROM journal)
                """).rows.first?.decode(Int64.self) ?? 0
            guard used == 0 else { throw LedgerError.notEmpty(location) }
            if let catalog = export.catalog { try Self.writeCatalogRows(catalog, session) }
            for snapshot in export.accounts {
                guard let writes = LedgerContents.writes(recreating: snapshot) else { continue }
                try Self.persist(writes, account: writes.account.id, session)
                if let billing = snapshot.billing { try Self.writeBilling(billing, account: writes.account.id, session) }
            }
            try Self.writeBillingDocuments(export.documents, session)
            try Self.appendJournal(export.journal, session)
        }
    }
}
