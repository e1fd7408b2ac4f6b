import Foundation
import SeatCore

/// The ledger: the system of record for accounts, users, licenses, the
/// catalog and the journal. One protocol, several technologies
/// (``SQLiteLedgerStore``, and `PostgresLedgerStore` in the SeatPostgres
/// module), one contract test suite.
///
/// Stores persist; they do not decide. What an apply writes is computed by
/// `SeatCore.ApplyEngine` inside ``apply(account:expectedLineage:expectedSerial:_:)``.
public protocol LedgerStore: AnyObject, Sendable {
    /// The stored catalog, or nil when none was ever imported.
    func catalog() throws -> Catalog?

    /// Replaces the stored catalog (journaled as `import_catalog`).
    func importCatalog(_ catalog: Catalog, actor: String, at: Date) throws

    /// Ids of every account in the ledger, sorted.
    func accountIDs() throws -> [String]

    /// A consistent snapshot of one account, read in one transaction with a
    /// fixed, small number of queries (never one per user or license).
    /// Returns ``LedgerSnapshot/empty`` for an unknown account.
    ///
    /// `indexingEmails` asks for the table of the users' e-mails a planner
    /// indexes the snapshot with (``LedgerSnapshot/emails``), which costs a
    /// look-up per license; a store may give none (PostgreSQL's does not).
    func snapshot(account: String, indexingEmails: Bool) throws -> LedgerSnapshot

    /// `snapshot(account:indexingEmails:)`, calling `beforeBilling` once on
    /// the way with everything the result holds but its billing records
    /// (`billing` nil), so that a caller can start planning while they are
    /// read. A store that reads them together calls it with the whole
    /// snapshot's other fields at the end.
    func snapshot(account: String, indexingEmails: Bool,
                  beforeBilling: ((LedgerSnapshot) -> Void)?) throws -> LedgerSnapshot

    /// Applies one change set atomically, holding the account's lock (see
    /// ``LockRecord``) taken with the settings the store was opened with:
    /// when another writer holds it, waits up to their `timeout`, then throws
    /// ``LedgerError/locked(holder:waited:)``. Inside one write transaction the
    /// store reads the account's snapshot, throws ``LedgerError/stale`` unless
    /// its lineage and serial equal the expected ones (nil lineage and serial 0
    /// for an account that must not exist yet), calls `makeWrites` with the
    /// snapshot and a check of which license codes are used anywhere in the
    /// ledger (one query per batch of codes), persists the returned writes
    /// and commits. Anything
    /// thrown rolls everything back. Returns the writes that were persisted.
    @discardableResult
    func apply(
        account: String,
        expectedLineage: String?,
        expectedSerial: Int,
        _ makeWrites: (LedgerSnapshot, _ codes: LicenseCodeCheck) throws -> LedgerWrites
    ) throws -> LedgerWrites

    /// Journal entries, oldest first, for one account or all, from `since` on.
    func journal(account: String?, since: Date?) throws -> [JournalEntry]

    /// The account that holds (or held) the license with this code, or nil.
    /// Codes are unique across the ledger; one indexed query.
    func account(ofLicense code: String) throws -> String?

    /// Takes `account`'s lock in a transaction of its own, waiting as
    /// `settings` say; ``apply(account:expectedLineage:expectedSerial:_:)``
    /// uses it, tests and long operations may too. Release it with
    /// ``releaseLock(_:)``.
    func acquireLock(account: String, settings: LockSettings) throws -> LockRecord

    /// Releases a lock this process holds; a lock broken or taken over since
    /// is left alone.
    func releaseLock(_ lock: LockRecord) throws

    /// Every lock recorded, expired ones included, sorted by account.
    func locks() throws -> [LockRecord]

    /// Breaks the lock with `id` whoever holds it; returns it, or nil when
    /// there is no such lock.
    func breakLock(id: String) throws -> LockRecord?

    /// The whole ledger, read in one transaction.
    func exportLedger() throws -> LedgerContents

    /// Writes an exported ledger into this store in one transaction, journal
    /// entries in their order. Throws ``LedgerError/notEmpty(_:)`` unless the
    /// store holds no catalog, account or journal entry.
    func importLedger(_ export: LedgerContents) throws
}

extension LedgerStore {
    public func snapshot(account: String, indexingEmails: Bool,
                         beforeBilling: ((LedgerSnapshot) -> Void)?) throws -> LedgerSnapshot {
        let snapshot = try snapshot(account: account, indexingEmails: indexingEmails)
        if let beforeBilling {
            var withoutBilling = snapshot
            withoutBilling.billing = nil
            beforeBilling(withoutBilling)
        }
        return snapshot
    }

    /// The snapshot without the e-mail table: for reading, not planning.
    public func snapshot(account: String) throws -> LedgerSnapshot {
        try snapshot(account: account, indexingEmails: false)
    }
}

extension LedgerStore {
    /// The frame every store's apply runs in: take the account's lock (in a
    /// transaction of its own, waiting as `settings` say), run `transaction`
    /// (which checks the lock is still held and deletes it as it commits),
    /// and release the lock if anything fails. The test-only pause points
    /// before the transaction and after the commit are here too.
    public func lockedApply<T>(account: String, settings: LockSettings, _ transaction: (LockRecord) throws -> T) throws -> T {
        ApplyPausePoint.beforeTransaction.reached()
        let lock = try acquireLock(account: account, settings: settings)
        let result: T
        do {
            result = try transaction(lock)
        } catch {
            try? releaseLock(lock)
            throw error
        }
        ApplyPausePoint.afterCommit.reached()
        return result
    }
}

/// Failures of the ledger itself, phrased for the person at the terminal.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The account changed since the plan was made.
    case stale(account: String, expectedLineage: String?, expectedSerial: Int, foundLineage: String?, foundSerial: Int)
    /// The location cannot hold a ledger (a directory, unwritable, not SQLite…).
    case unusable(path: String, reason: String)
    /// The ledger was written by a newer seatctl.
    case newerSchema(path: String, found: String, supported: String)
    /// A state URL that names no known store.
    case unsupportedURL(String)
    /// A PostgreSQL URL that cannot be used as written (shown without its password).
    case invalidURL(String, problem: String)
    /// A store this module cannot open by itself (PostgreSQL needs SeatPostgres).
    case notAvailable(String)
    /// Another writer holds the account's lock (and did for `waited` seconds).
    case locked(holder: LockRecord, waited: TimeInterval)
    /// The lock an apply held was broken or taken over before it committed.
    case lockLost(account: String, lockID: String)
    /// A copy's target already holds a ledger.
    case notEmpty(String)
    /// Any other database failure; never carries bound values.
    case database(String)

    public var description: String {
        switch self {
        case let .stale(account, expectedLineage, expectedSerial, foundLineage, foundSerial):
            if expectedLineage == nil, foundLineage != nil {
                return "account \"\(account)\" was created by another apply since this plan was made; run plan again"
            }
            if expectedLineage != foundLineage {
                return "the ledger for account \"\(account)\" is not the one this plan was made for (lineage \(expectedLineage ?? "none") expected, \(foundLineage ?? "none") found)"
            }
            return "the ledger for account \"\(account)\" changed since this plan was made (serial \(expectedSerial) expected, \(foundSerial) found); run plan again"
        case let .unusable(path, reason):
            return "cannot use the ledger at \(path): \(reason)"
        case let .newerSchema(path, found, supported):
            return "the ledger at \(path) was written by a newer seatctl (schema \(found); this seatctl supports up to \(supported)); upgrade seatctl"
        case .unsupportedURL(let url):
            return "unsupported state location \"\(url)\" (use a file path or sqlite:PATH)"
        case let .invalidURL(url, problem):
            return "invalid PostgreSQL URL \"\(url)\": \(problem); write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable&schema=NAME]"
        case .notAvailable(let url):
            return "PostgreSQL ledgers (\(url)) are opened through the SeatPostgres module, not SeatStore alone"
        case let .locked(holder, waited):
            let waitedText = waited >= 1 ? "; waited \(Int(waited.rounded()))s" : ""
            return "account \"\(holder.account)\" is locked by \(holder.actor) (\(holder.operation)) since \(LockTime.text(holder.acquiredAt)), "
                + "lock id \(holder.id), expires \(LockTime.text(holder.expiresAt))\(waitedText)"
        case let .lockLost(account, lockID):
            return "the lock \(lockID) on account \"\(account)\" was broken or taken over before this apply committed; nothing was applied"
        case .notEmpty(let location):
            return "\(location) already holds a ledger; copy only into an empty one"
        case .database(let message):
            return "ledger error: \(message)"
        }
    }
}

/// How locks' instants are shown: `2026-11-22T09:00:00Z`.
public enum LockTime {
    public static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension LedgerSnapshot {
    /// Throws ``LedgerError/stale(account:expectedLineage:expectedSerial:foundLineage:foundSerial:)``
    /// unless this snapshot of `account` has the lineage and serial a plan
    /// expects (nil and 0 for an account that must not exist yet). Every
    /// store's apply calls it inside its write transaction.
    public func requireCurrent(account: String, expectedLineage: String?, expectedSerial: Int) throws {
        let foundLineage = self.account?.lineage
        let foundSerial = self.account?.serial ?? 0
        guard foundLineage == expectedLineage, foundSerial == expectedSerial else {
            throw LedgerError.stale(
                account: account, expectedLineage: expectedLineage, expectedSerial: expectedSerial,
                foundLineage: foundLineage, foundSerial: foundSerial)
        }
    }
}
