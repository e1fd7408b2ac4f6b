import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore: DriftHistoryReading {
    /// Two indexed queries in one read transaction: the newest entry an
    /// apply wrote (walking the account's journal backwards by time), then
    /// the entries after it. The cost grows with what came after the latest
    /// apply, not with the journal.
    public func driftHistory(account: String) throws -> DriftHistory {
        try translating {
            try writer.read { db in
                let actions = DriftHistory.applyActions.sorted()
                let latest = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT id, at FROM journal
                    WHERE account = ? AND substr(actor, 1, \(PortalActor.prefix.utf8.count)) <> ?
                      AND action IN (\(Array(repeating: "?", count: actions.count).joined(separator: ", ")))
                    ORDER BY at DESC, id DESC LIMIT 1
                    """), arguments: StatementArguments([account, PortalActor.prefix] + actions))
                var latestApply: JournalEntry?
                var after: [JournalEntry]
                if let latest {
                    let id: Int64 = try latest.decode(atIndex: 0)
                    let at: Int64 = try latest.decode(atIndex: 1)
                    let entries = try Self.readJournal(account: account, since: StoredValue.date(milliseconds: at), idFrom: id, db)
                    latestApply = entries.first
                    after = Array(entries.dropFirst())
                } else {
                    after = try Self.readJournal(account: account, since: nil, db)
                }
                return DriftHistory(latestApply: latestApply, since: after)
            }
        }
    }
}
