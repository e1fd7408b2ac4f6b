import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    /// The whole ledger in one read transaction: five queries per account
    /// (never per user or license), plus the catalog and the journal.
    public func exportLedger() throws -> LedgerExport {
        try translating {
            try writer.read { db in
                let ids = try String.fetchAll(db, sql: "SELECT id FROM accounts ORDER BY id")
                return LedgerExport(
                    catalog: try Self.readCatalog(db),
                    accounts: try ids.map { try Self.readSnapshot(account: $0, db) },
                    journal: try Self.readJournal(account: nil, since: nil, db))
            }
        }
    }

    public func importLedger(_ export: LedgerExport) throws {
        try write { db in
            let used = try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM catalog) + (SELECT COUNT(*) FROM journal)
                """) ?? 0
            guard used == 0 else { throw LedgerError.notEmpty(path) }
            if let catalog = export.catalog { try Self.writeCatalogRows(catalog, db) }
            for snapshot in export.accounts {
                guard let writes = LedgerExport.writes(recreating: snapshot) else { continue }
                try Self.persist(writes, account: writes.account.id, db)
            }
            try Self.appendJournal(export.journal, db)
        }
    }
}
