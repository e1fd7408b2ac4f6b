import Foundation
import PostgresNIO
import SeatCore
import SeatStore

/// The shared ledger: one PostgreSQL database, many accounts, many seatctl
/// processes. The same schema, migrations and journal as
/// `SQLiteLedgerStore`, in a PostgreSQL schema of its own (`seatctl`
/// unless the URL says `?schema=NAME`), so the ledger's tables never mix
/// with other applications' tables in a shared database.
///
/// The ``LedgerStore`` protocol is synchronous and postgres-nio is not:
/// each store owns one connection on NIO's shared event-loop group and
/// waits for each query's future on the calling thread, which is never an
/// event-loop thread. One operation runs at a time per store (a lock
/// around each transaction); the connection closes when the store goes.
///
/// Consistency: snapshots and exports read in `REPEATABLE READ READ ONLY`
/// transactions; an apply first takes the account's lock record (see
/// `LockRecord`) in a short transaction, then runs in a `REPEATABLE READ`
/// transaction that locks that record `FOR UPDATE`, so a concurrent
/// `state unlock` or takeover waits for the apply or makes it fail, never
/// slips in between. Errors are `LedgerError` values built from the
/// server's message and SQLSTATE, never from bound values or details.
public final class PostgresLedgerStore: LedgerStore, @unchecked Sendable {
    /// The URL without its password: what messages name.
    public let location: String
    /// How applies take the account lock.
    public let lockSettings: LockSettings

    let session: PostgresSession
    let schema: String

    /// Connects, creates the ledger's schema when missing and brings it up to date.
    ///
    /// - Throws: `LedgerError.unusable` when the server cannot be reached or
    ///   refuses the login, or the schema holds another program's tables;
    ///   `LedgerError.newerSchema` for a ledger written by a newer seatctl.
    public convenience init(url: PostgresURL, lock: LockSettings = .standard) throws {
        try self.init(url: url, lock: lock, create: true)
    }

    /// Opens the ledger only when its schema exists already (nil otherwise),
    /// for commands that must not create a ledger just to read it.
    public static func openIfExists(url: PostgresURL, lock: LockSettings = .standard) throws -> PostgresLedgerStore? {
        let store = try PostgresLedgerStore(url: url, lock: lock, create: false)
        return store.exists ? store : nil
    }

    private var exists = true

    private init(url: PostgresURL, lock: LockSettings, create: Bool) throws {
        location = url.description
        lockSettings = lock
        schema = url.schema
        session = try PostgresSession(url: url)
        if !create {
            exists = try session.run { try Self.schemaExists(url.schema, $0) }
            guard exists else { return }
        }
        try session.run { try Self.prepareSchema(url.schema, location: url.description, $0) }
    }

    // MARK: - LedgerStore

    public func catalog() throws -> Catalog? {
        try session.transaction(.readOnly) { try Self.readCatalog($0) }
    }

    public func importCatalog(_ catalog: Catalog, actor: String, at: Date) throws {
        try session.transaction(.write) { try Self.writeCatalog(catalog, actor: actor, at: at, $0) }
    }

    public func accountIDs() throws -> [String] {
        try session.transaction(.readOnly) { try Self.readAccountIDs($0) }
    }

    /// One account in one `REPEATABLE READ` transaction with five queries;
    /// without an e-mail table (`indexingEmails` is a hint a planner does without).
    public func snapshot(account: String, indexingEmails: Bool) throws -> LedgerSnapshot {
        try session.transaction(.readOnly) { try Self.readSnapshot(account: account, $0) }
    }

    /// See `LedgerStore.apply`. `makeWrites` runs inside the transaction and
    /// must not call back into this store.
    @discardableResult
    public func apply(
        account: String,
        expectedLineage: String?,
        expectedSerial: Int,
        _ makeWrites: (LedgerSnapshot, _ codes: LicenseCodeCheck) throws -> LedgerWrites
    ) throws -> LedgerWrites {
        try lockedApply(account: account, settings: lockSettings) { lock in
            try session.transaction(.write) { connection in
                try Self.checkHeld(lock, connection)
                let snapshot = try Self.readSnapshot(account: account, connection)
                try snapshot.requireCurrent(account: account, expectedLineage: expectedLineage, expectedSerial: expectedSerial)
                ApplyPausePoint.afterSnapshot.reached()
                let writes = try makeWrites(snapshot, LicenseCodeCheck { codes in try Self.takenCodes(codes, connection) })
                try Self.persist(writes, account: account, connection)
                try Self.deleteLock(lock, connection)
                ApplyPausePoint.beforeCommit.reached()
                return writes
            }
        }
    }

    /// One indexed query on the license code (its primary key).
    public func account(ofLicense code: String) throws -> String? {
        try session.transaction(.readOnly) { session in
            try session.execute("SELECT account FROM licenses WHERE code = \(code)").rows.first.map { try $0.decode(String.self) }
        }
    }

    public func journal(account: String?, since: Date?) throws -> [JournalEntry] {
        try session.transaction(.readOnly) { try Self.readJournal(account: account, since: since, $0) }
    }
}
