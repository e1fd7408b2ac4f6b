import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    /// What a database holds, as far as opening it is concerned.
    enum SchemaState: Equatable {
        /// A seatctl ledger with every migration this build knows applied.
        case current
        /// An empty database (`isEmpty`) or an older ledger: migrate.
        case needsMigration(isEmpty: Bool)
        /// A ledger written by a newer seatctl; `found` names its schema.
        case newer(found: String)
        /// A SQLite database some other program made.
        case foreign
    }

    static func schemaState(_ db: Database, _ migrator: DatabaseMigrator) throws -> SchemaState {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        if applicationID == 0 {
            // GRDB creates its empty bookkeeping table just before running
            // "v1" (which stamps the application id): another process may
            // be between the two.
            let objects = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
            var isEmpty = objects.isEmpty
            if objects == ["grdb_migrations"] { isEmpty = try migrator.appliedIdentifiers(db).isEmpty }
            return isEmpty ? .needsMigration(isEmpty: true) : .foreign
        }
        guard applicationID == LedgerSchema.applicationID else { return .foreign }

        let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if userVersion > LedgerSchema.version { return .newer(found: LedgerSchema.name(userVersion)) }
        let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
        if !unknown.isEmpty { return .newer(found: unknown.sorted().joined(separator: ", ")) }
        return try migrator.hasCompletedMigrations(db) ? .current : .needsMigration(isEmpty: false)
    }

    /// Refuses a foreign, newer or damaged database without writing to it,
    /// then switches to WAL mode (`usesWAL`) and applies missing migrations.
    ///
    /// Two processes opening a new ledger at once may both decide to migrate;
    /// the loser's "v1" fails on tables the winner created (or its transaction
    /// finds its snapshot outdated), so it looks again and finds the schema current.
    static func prepareSchema(_ writer: any DatabaseWriter, path: String, usesWAL: Bool) throws {
        let migrator = LedgerSchema.migrator
        let attempts = 3
        for attempt in 1...attempts {
            let state = try writer.read { db in try schemaState(db, migrator) }
            switch state {
            case .foreign:
                throw LedgerError.unusable(path: path, reason: "it is a SQLite database of another program, not a seatctl ledger")
            case .newer(let found):
                throw LedgerError.newerSchema(path: path, found: found, supported: LedgerSchema.name(LedgerSchema.version))
            case .needsMigration(isEmpty: false):
                // Upgrading rewrites tables: only an intact ledger.
                let problems = try writer.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
                guard problems == ["ok"] else {
                    throw LedgerError.unusable(path: path, reason: "the file is corrupted (SQLite's quick_check failed)")
                }
            case .current, .needsMigration(isEmpty: true):
                break
            }
            if usesWAL { try enableWAL(writer, path: path) }
            guard state != .current else { return }
            do {
                try migrator.migrate(writer)
                return
            } catch let error as DatabaseError
                where attempt < attempts
                    && ([.SQLITE_ERROR, .SQLITE_CONSTRAINT].contains(error.resultCode) || error.extendedResultCode == .SQLITE_BUSY_SNAPSHOT) {
                // SQLITE_BUSY_SNAPSHOT: the migration's transaction read the
                // schema before another process's migration committed.
                continue
            }
        }
    }

    /// WAL lets readers in other processes go on while one writes. The mode
    /// is stored in the file, so this writes only the first time.
    ///
    /// Switching a new ledger to WAL needs it to itself: while another
    /// process opening the same new file reads it, SQLite answers
    /// SQLITE_BUSY at once, without waiting. Two applies creating one
    /// ledger at the same moment met that about one time in two; the
    /// switch is now tried again for up to five seconds (the other process
    /// soon switches the file itself, or finishes its read).
    private static func enableWAL(_ writer: any DatabaseWriter, path: String) throws {
        let deadline = Date().addingTimeInterval(5)
        while true {
            do {
                return try writer.writeWithoutTransaction { db in
                    guard try String.fetchOne(db, sql: "PRAGMA journal_mode") != "wal" else { return }
                    guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                        throw LedgerError.unusable(path: path, reason: "SQLite cannot put it in WAL mode")
                    }
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }
}
