import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    static func appendJournal(_ entries: [JournalEntry], _ db: Database) throws {
        guard !entries.isEmpty else { return }
        let statement = BulkStatement(try db.cachedStatement(sql: """
            INSERT INTO journal (at, account, actor, action, subject, from_value, to_value, serial)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """))
        for (index, entry) in entries.enumerated() {
            if index == 1 { ApplyPausePoint.duringJournal.reached() }
            try statement.execute(.integer(StoredValue.milliseconds(entry.at)), .text(entry.account), .text(entry.actor),
                                  .text(entry.action), .text(entry.subject), .text(entry.from), .text(entry.to),
                                  .integer(entry.serial))
        }
    }

    /// Oldest first; entries at the same instant in the order they were written.
    /// With `idFrom`, entries at exactly `since` count only from that row id on.
    static func readJournal(account: String?, since: Date?, idFrom: Int64? = nil, _ db: Database) throws -> [JournalEntry] {
        var sql = "SELECT at, account, actor, action, subject, from_value, to_value, serial FROM journal"
        var conditions: [String] = []
        var arguments: StatementArguments = []
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
