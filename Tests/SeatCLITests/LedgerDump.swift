import Foundation
import GRDB

/// Every row of every table of a SQLite ledger (but its account locks), as text, for tests that must
/// show a ledger is exactly one state or another. Opening the file runs
/// SQLite's recovery of a killed writer's -wal file, as seatctl would.
struct LedgerDump: Equatable, CustomStringConvertible {
    /// Table name → its rows, each rendered as GRDB prints a row, sorted by every column.
    var tables: [String: [String]]

    init(path: String) throws {
        let queue = try DatabaseQueue(path: path)
        tables = try queue.read { db in
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            var tables: [String: [String]] = [:]
            // The account locks are not ledger data: a killed apply leaves its
            // own until it expires or is broken (the tests check them apart).
            for name in names where name != "locks" {
                let columns = try db.columns(in: name).count
                let order = (1...max(columns, 1)).map(String.init).joined(separator: ", ")
                tables[name] = try Row.fetchAll(db, sql: "SELECT * FROM \(name.quotedDatabaseIdentifier) ORDER BY \(order)")
                    .map(\.description)
            }
            return tables
        }
    }

    /// `PRAGMA integrity_check`'s answer: `["ok"]` for an intact file.
    static func integrityCheck(path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    var description: String {
        tables.keys.sorted().map { "\($0):\n" + (tables[$0] ?? []).map { "  " + $0 }.joined(separator: "\n") }
            .joined(separator: "\n")
    }
}
