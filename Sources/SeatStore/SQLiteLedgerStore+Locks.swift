import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    /// Takes the account's lock in a short `BEGIN IMMEDIATE` transaction of
    /// its own, waiting as `settings` say (see ``LockWaiter``).
    ///
    /// A held lock is seen by a plain read first: in WAL mode that never
    /// waits for the holder's apply transaction, so a second writer fails
    /// at once naming the holder instead of queueing behind SQLite's write lock.
    public func acquireLock(account: String, settings: LockSettings) throws -> LockRecord {
        try LockWaiter.acquire(account: account, settings: settings) { candidate in
            let current = try translating {
                try writer.read { db in
                    try Row.fetchOne(db, sql: "SELECT \(Self.lockColumns) FROM locks WHERE account = ?", arguments: [account])
                        .map(Self.lockRecord)
                }
            }
            if let current, !current.isExpired(at: candidate.acquiredAt) { return .held(current) }
            return try write(keepingSnapshot: true) { db in try Self.tryLock(candidate, now: candidate.acquiredAt, db) }
        }
    }

    public func releaseLock(_ lock: LockRecord) throws {
        try write(keepingSnapshot: true) { db in try Self.deleteLock(lock, db) }
    }

    public func locks() throws -> [LockRecord] {
        try translating {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.lockColumns) FROM locks ORDER BY account").map(Self.lockRecord)
            }
        }
    }

    public func breakLock(id: String) throws -> LockRecord? {
        try write(keepingSnapshot: true) { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.lockColumns) FROM locks WHERE lock_id = ?", arguments: [id])
            else { return nil }
            try db.execute(sql: "DELETE FROM locks WHERE lock_id = ?", arguments: [id])
            return try Self.lockRecord(row)
        }
    }

    static let lockColumns = "lock_id, account, actor, operation, acquired_at, expires_at"

    static func lockRecord(_ row: Row) throws -> LockRecord {
        LockRecord(
            id: try row.decode(atIndex: 0), account: try row.decode(atIndex: 1), actor: try row.decode(atIndex: 2),
            operation: try row.decode(atIndex: 3),
            acquiredAt: StoredValue.date(milliseconds: try row.decode(atIndex: 4)),
            expiresAt: StoredValue.date(milliseconds: try row.decode(atIndex: 5)))
    }

    /// One try, inside the caller's write transaction: insert the lock, or
    /// take over an expired one by compare-and-set on its id.
    static func tryLock(_ candidate: LockRecord, now: Date, _ db: Database) throws -> LockAttempt {
        let row = try Row.fetchOne(db, sql: "SELECT \(lockColumns) FROM locks WHERE account = ?", arguments: [candidate.account])
        let arguments: StatementArguments = [
            candidate.id, candidate.actor, candidate.operation, StoredValue.milliseconds(candidate.acquiredAt),
            StoredValue.milliseconds(candidate.expiresAt), candidate.account,
        ]
        guard let row else {
            try db.execute(sql: """
                INSERT INTO locks (lock_id, actor, operation, acquired_at, expires_at, account) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: arguments)
            return .acquired(replacing: nil)
        }
        let holder = try lockRecord(row)
        guard holder.isExpired(at: now) else { return .held(holder) }
        try db.execute(sql: """
            UPDATE locks SET lock_id = ?, actor = ?, operation = ?, acquired_at = ?, expires_at = ?
            WHERE account = ? AND lock_id = ?
            """, arguments: arguments + [holder.id])
        return db.changesCount == 1 ? .acquired(replacing: holder) : .raced
    }

    /// Inside an apply's transaction: the lock must still be this one.
    static func checkHeld(_ lock: LockRecord, _ db: Database) throws {
        let id = try String.fetchOne(db, sql: "SELECT lock_id FROM locks WHERE account = ?", arguments: [lock.account])
        guard id == lock.id else { throw LedgerError.lockLost(account: lock.account, lockID: lock.id) }
    }

    static func deleteLock(_ lock: LockRecord, _ db: Database) throws {
        try db.execute(sql: "DELETE FROM locks WHERE account = ? AND lock_id = ?", arguments: [lock.account, lock.id])
    }
}
