import Foundation
import GRDB
import SeatCore

/// The embedded ledger: one SQLite database, in WAL mode on disk or private
/// to the process in memory, through one GRDB `DatabaseQueue` connection.
///
/// Several seatctl processes may share one ledger file: every write runs
/// in a `BEGIN IMMEDIATE` transaction and SQLite's busy timeout makes a
/// second writer wait for the first instead of failing. Reads see a
/// consistent snapshot and never block writers.
///
/// Errors are ``LedgerError`` values that never carry bound SQL values;
/// errors thrown by an apply's `makeWrites` closure pass through unchanged.
public final class SQLiteLedgerStore: LedgerStore {
    /// How long a write waits for another process's write to finish before
    /// failing, unless the store is opened with another.
    public static let defaultBusyTimeout: TimeInterval = 15

    /// The ledger file as given, or `:memory:`; what error messages name.
    public let path: String

    /// How applies take the account lock.
    public let lockSettings: LockSettings

    let writer: any DatabaseWriter
    private let busyTimeout: TimeInterval
    /// The latest snapshot read, for an apply that follows it.
    let memo = SnapshotMemo()

    /// Opens the ledger file at `path`, creating it (mode 0600, and its
    /// directory) when missing, and brings its schema up to date.
    ///
    /// - Throws: ``LedgerError/unusable(path:reason:)`` for a directory, an
    ///   unwritable location, a file that is not an intact SQLite database
    ///   or a SQLite database of another application (the file is left
    ///   exactly as it was); ``LedgerError/newerSchema(path:found:supported:)``
    ///   for a ledger written by a newer seatctl.
    public convenience init(
        path: String, busyTimeout: TimeInterval = SQLiteLedgerStore.defaultBusyTimeout, lock: LockSettings = .standard
    ) throws {
        try self.init(path: path, busyTimeout: busyTimeout, lock: lock, prepareDatabase: nil)
    }

    /// A new, empty ledger that lives in memory and disappears with the store.
    public static func inMemory(lock: LockSettings = .standard) throws -> SQLiteLedgerStore {
        try SQLiteLedgerStore(inMemoryPreparing: nil, lock: lock)
    }

    /// `prepareDatabase` runs on every new connection; tests use it to trace
    /// the statements a method executes.
    init(path: String, busyTimeout: TimeInterval, lock: LockSettings = .standard,
         prepareDatabase: (@Sendable (Database) throws -> Void)?) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        self.lockSettings = lock
        try LedgerFile.prepare(path)
        // SQLite's recovery rewrites a crash's -wal and -shm as soon as a
        // connection reads, and removes them on close, even when the ledger
        // then proves damaged: check a ledger with leftovers before that.
        if LedgerFile.hasLeftoverCompanions(path) { try Self.checkIntactWithoutWriting(path) }
        // A DatabaseQueue, not a DatabasePool: a pool commits a dummy
        // transaction whenever it opens a ledger whose -wal file is absent
        // (every ledger, once closed), so it would write to a file before
        // we know it is a ledger we may write to. WAL mode is set below,
        // once the file is known to be one of ours.
        let configuration = Self.configuration(busyTimeout: busyTimeout, prepareDatabase: prepareDatabase)
        do {
            writer = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout)
        }
        try translating { try Self.prepareSchema(writer, path: path, usesWAL: true) }
        LedgerFile.restrictCompanions(of: path)
    }

    init(inMemoryPreparing prepareDatabase: (@Sendable (Database) throws -> Void)?, lock: LockSettings = .standard) throws {
        path = ":memory:"
        busyTimeout = Self.defaultBusyTimeout
        lockSettings = lock
        let configuration = Self.configuration(busyTimeout: busyTimeout, prepareDatabase: prepareDatabase)
        do {
            writer = try DatabaseQueue(configuration: configuration)
        } catch let error as DatabaseError {
            throw Self.translate(error, path: ":memory:", busyTimeout: busyTimeout)
        }
        try translating { try Self.prepareSchema(writer, path: path, usesWAL: false) }
    }

    /// Runs `PRAGMA quick_check` on the ledger file through an `immutable`
    /// read-only connection, which neither reads nor writes the `-wal` and
    /// `-shm` files nor takes locks: a damaged ledger is refused with every
    /// byte of its companions as they were. Where SQLite cannot open such a
    /// connection (no URI support), the ordinary checks still apply.
    ///
    /// Companions also exist while another process has the ledger open, and
    /// an `immutable` connection that reads the file while that process
    /// checkpoints sees half-copied pages: a damaged-looking file is checked
    /// again a few times, and refused only when it stays damaged.
    static func checkIntactWithoutWriting(_ path: String) throws {
        for attempt in 1... {
            do {
                return try checkIntactOnce(path)
            } catch LedgerError.unusable where attempt < 5 {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    private static func checkIntactOnce(_ path: String) throws {
        guard let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) else { return }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "seatctl.ledger.check"
        let problems: [String]
        do {
            let queue = try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
            problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw translate(error, path: path, busyTimeout: defaultBusyTimeout)
        } catch {
            return
        }
        guard problems == ["ok"] else {
            throw LedgerError.unusable(path: path, reason: "the file is corrupted (SQLite's quick_check failed)")
        }
    }

    private static func configuration(
        busyTimeout: TimeInterval, prepareDatabase: (@Sendable (Database) throws -> Void)?
    ) -> Configuration {
        var configuration = Configuration()
        configuration.label = "seatctl.ledger"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        // Bound values (emails, names) never appear in errors or logs.
        configuration.publicStatementArguments = false
        if let prepareDatabase { configuration.prepareDatabase(prepareDatabase) }
        return configuration
    }

    // MARK: - LedgerStore

    /// The stored catalog, or nil when none was ever imported.
    public func catalog() throws -> Catalog? {
        try translating { try writer.read(Self.readCatalog) }
    }

    /// Replaces the catalog and journals the import (see ``LedgerJournal``),
    /// in one transaction.
    public func importCatalog(_ catalog: Catalog, actor: String, at: Date) throws {
        try write { db in try Self.writeCatalog(catalog, actor: actor, at: at, db) }
    }

    /// Ids of every account, sorted by their UTF-8 bytes.
    public func accountIDs() throws -> [String] {
        try translating {
            try writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM accounts ORDER BY id") }
        }
    }

    /// One account in one read transaction with five queries (see
    /// `readSnapshot`): users by email, licenses oldest first
    /// (``License/olderFirst``), deferrals in the order they were written.
    public func snapshot(account: String, indexingEmails: Bool) throws -> LedgerSnapshot {
        try snapshot(account: account, indexingEmails: indexingEmails, beforeBilling: nil)
    }

    /// See ``LedgerStore/snapshot(account:indexingEmails:beforeBilling:)``.
    public func snapshot(account: String, indexingEmails: Bool,
                         beforeBilling: ((LedgerSnapshot) -> Void)?) throws -> LedgerSnapshot {
        try translating {
            try writer.read { db in
                let version = try SnapshotMemo.dataVersion(db)
                let snapshot = try Self.readSnapshot(account: account, indexingEmails: indexingEmails,
                                                     beforeBilling: beforeBilling, db)
                memo.remember(snapshot, of: account, dataVersion: version)
                return snapshot
            }
        }
    }

    /// See ``LedgerStore/apply(account:expectedLineage:expectedSerial:_:)``.
    /// `makeWrites` runs inside the write transaction: it must not call back
    /// into this store, and the longer it runs the longer other writers wait.
    @discardableResult
    public func apply(
        account: String,
        expectedLineage: String?,
        expectedSerial: Int,
        _ makeWrites: (LedgerSnapshot, _ codes: LicenseCodeCheck) throws -> LedgerWrites
    ) throws -> LedgerWrites {
        try lockedApply(account: account, settings: lockSettings) { lock in
            try write(keepingSnapshot: true, bulk: true) { db in
                try Self.checkHeld(lock, db)
                // The snapshot just read by a plan, when nothing wrote since.
                let snapshot = try memo.take(account, db)
                let writes = try Self.applyChecked(
                    account: account, expectedLineage: expectedLineage, expectedSerial: expectedSerial,
                    snapshot: snapshot, makeWrites, db)
                try Self.deleteLock(lock, db)
                ApplyPausePoint.beforeCommit.reached()
                return writes
            }
        }
    }

    /// The body of an apply inside its transaction: read, check, compute, persist.
    private static func applyChecked(
        account: String, expectedLineage: String?, expectedSerial: Int, snapshot remembered: LedgerSnapshot?,
        _ makeWrites: (LedgerSnapshot, _ codes: LicenseCodeCheck) throws -> LedgerWrites, _ db: Database
    ) throws -> LedgerWrites {
        let snapshot = try remembered ?? PhaseTimes.measure("reread") {
            try Self.readSnapshot(account: account, indexingEmails: true, db)
        }
        try snapshot.requireCurrent(account: account, expectedLineage: expectedLineage, expectedSerial: expectedSerial)
        ApplyPausePoint.afterSnapshot.reached()
        let writes = try makeWrites(snapshot, LicenseCodeCheck { codes in try Self.takenCodes(codes, db) })
        try PhaseTimes.measure("persist") { try Self.persist(writes, account: account, db) }
        return writes
    }

    /// Entries oldest first, ties in the order they were written; `since`
    /// is inclusive. `account: nil` includes catalog imports (account `""`).
    public func journal(account: String?, since: Date?) throws -> [JournalEntry] {
        try translating { try writer.read { db in try Self.readJournal(account: account, since: since, db) } }
    }

    /// One indexed query on the license code (its primary key).
    public func account(ofLicense code: String) throws -> String? {
        try translating {
            try writer.read { db in
                try String.fetchOne(db.cachedStatement(sql: "SELECT account FROM licenses WHERE code = ?"), arguments: [code])
            }
        }
    }

    // MARK: - Transactions and errors

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: it takes the write
    /// lock before reading, so the snapshot an apply checks is the one it
    /// writes over. Anything thrown rolls the whole transaction back.
    /// Forgets the remembered snapshot unless `keepingSnapshot` (for writes
    /// that no snapshot shows, such as locks).
    ///
    /// A `bulk` write (an apply, a copy) first gives the connection up to
    /// 64 MiB of page cache: an apply that writes 100,000 users and 200,000
    /// licenses touches far more pages than SQLite's default 2 MiB, and
    /// spilling them doubles its time. A plan's reads, which come before
    /// any bulk write of a command, keep the default: a plan reads each page
    /// of a large account once, and a larger cache would only hold tens of
    /// megabytes of pages it never reads again. The connection keeps the
    /// larger cache after a bulk write (a reconcile loop's later rounds).
    /// A bulk write also keeps its statement journals in memory
    /// (`temp_store`): each multi-row `INSERT` saves the pages it changes,
    /// so that it can be undone alone, and in a temporary file that was
    /// 1.24 GB of writes for a first apply of 100,000 users. Nothing in them
    /// is needed after a crash: the transaction as a whole is in the WAL.
    func write<T>(keepingSnapshot: Bool = false, bulk: Bool = false, _ body: (Database) throws -> T) throws -> T {
        if !keepingSnapshot { memo.forget() }
        return try translating {
            try writer.writeWithoutTransaction { db in
                if bulk { try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY") }
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Turns GRDB's errors into ``LedgerError`` values; every other error
    /// (a ``LedgerError``, or what an apply's `makeWrites` threw) passes as is.
    func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout)
        } catch is RowDecodingError {
            throw LedgerError.database("the ledger holds a value this seatctl cannot read (a missing or mistyped column)")
        }
    }

    /// Phrases a SQLite failure for the terminal from its result code and
    /// SQLite's own message, which names tables and columns, never values.
    static func translate(_ error: DatabaseError, path: String, busyTimeout: TimeInterval) -> LedgerError {
        let detail = "\(error.message ?? "unknown error") (SQLite code \(error.extendedResultCode.rawValue))"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .database("the ledger is busy: another seatctl kept it locked for more than \(Int(busyTimeout)) seconds; try again")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .unusable(path: path, reason: "the file is corrupted or truncated: \(detail)")
        case .SQLITE_READONLY:
            return .unusable(path: path, reason: "it can only be read, not written: \(detail)")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return .unusable(path: path, reason: "SQLite cannot open it: \(detail)")
        case .SQLITE_IOERR where LedgerFile.isOnFullDisk(path):
            // SQLite reports a full disk met while sizing its -shm file, or
            // in some writes, as an I/O error.
            return .unusable(path: path, reason: "the disk holding it is full; nothing was written")
        case .SQLITE_IOERR:
            return .unusable(path: path, reason: "reading or writing it failed: \(detail)")
        case .SQLITE_FULL:
            // The transaction is rolled back: the file holds what it held before.
            return .unusable(path: path, reason: "the disk holding it is full; nothing was written")
        default:
            return .database(detail)
        }
    }
}
