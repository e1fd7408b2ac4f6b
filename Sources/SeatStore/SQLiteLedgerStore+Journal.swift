import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    static func appendJournal(_ entries: [JournalEntry], _ db: Database) throws {
        guard !entries.isEmpty else { return }
        try BulkInsert(db, "INSERT INTO journal (at, account, actor, action, subject, from_value, to_value, serial) VALUES", columns: 8)
            .run(count: entries.count, afterFirstStatement: ApplyPausePoint.duringJournal.reached) { index in
                let entry = entries[index]
                return [.integer(StoredValue.milliseconds(entry.at)), .text(entry.account), .text(entry.actor), .text(entry.action),
                        .text(entry.subject), .text(entry.from), .text(entry.to), .integer(entry.serial)]
            }
    }

    /// Oldest first; entries at the same instant in the order they were written.
    /// With `idFrom`, entries at exactly `since` count only from that row id on.
    static func readJournal(account: String?, since: Date?, idFrom: Int64? = nil, _ db: Database) throws -> [JournalEntry] {
        let columns = "at, account, actor, action, subject, from_value, to_value, serial"
        var sql = "SELECT \(columns) FROM journal"
        var arguments: StatementArguments = []
        if let account, let since, let idFrom {
            // Two index ranges: the entries at exactly `since` from `idFrom`
            // on, then the later ones. One condition with OR would walk every
            // entry at that instant, and a large apply writes 300,000 at once.
            let millis = StoredValue.milliseconds(since)
            sql = """
                SELECT \(columns) FROM (
                    SELECT id, \(columns) FROM journal WHERE account = ? AND at = ? AND id >= ?
                    UNION ALL
                    SELECT id, \(columns) FROM journal WHERE account = ? AND at > ?)
                ORDER BY at, id
                """
            arguments = [account, millis, idFrom, account, millis]
        } else {
            var conditions: [String] = []
            if let account {
                conditions.append("account = ?")
                arguments += [account]
            }
            if let since {
                conditions.append("at >= ?")
                arguments += [StoredValue.milliseconds(since)]
                if let idFrom {
                    conditions.append("(at > ? OR id >= ?)")
                    arguments += [StoredValue.milliseconds(since), idFrom]
                }
            }
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY at, id"
        }

        var entries: [JournalEntry] = []
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            entries.append(JournalEntry(
                at: StoredValue.date(milliseconds: try row.decode(atIndex: 0)),
                account: try row.decode(atIndex: 1),
                actor: try row.decode(atIndex: 2),
                action: try row.decode(atIndex: 3),
                subject: try row.decode(atIndex: 4),
                from: try row.decode(atIndex: 5),
                to: try row.decode(atIndex: 6),
                serial: try row.decode(atIndex: 7)))
        }
        return entries
    }
}
