import Foundation
import PostgresNIO
import SeatCore
import SeatStore

extension PostgresLedgerStore: DriftHistoryReading {
    /// Two indexed queries in one `REPEATABLE READ READ ONLY` transaction, as
    /// `SQLiteLedgerStore` reads it: the newest entry an apply wrote (walking
    /// the account's journal backwards by time), then the entries after it.
    /// The cost grows with what came after the latest apply, not with the journal.
    public func driftHistory(account: String) throws -> DriftHistory {
        try session.transaction(.readOnly) { session in
            let actions = DriftHistory.applyActions.sorted()
            let prefix = PortalActor.prefix
            let latest = try session.execute("""
                SELECT id, at FROM journal
                WHERE account = \(account) AND left(actor, char_length(\(prefix))) <> \(prefix) AND action = ANY(\(actions))
                ORDER BY at DESC, id DESC LIMIT 1
                """).rows.first
            guard let latest else {
                return DriftHistory(latestApply: nil, since: try Self.readJournal(account: account, since: nil, session))
            }
            let (id, at) = try latest.decode((Int64, Int64).self)
            let entries = try Self.readJournal(account: account, since: Self.date(at), idFrom: id, session)
            return DriftHistory(latestApply: entries.first, since: Array(entries.dropFirst()))
        }
    }
}
