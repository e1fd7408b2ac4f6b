import Foundation
import PostgresNIO
import SeatCore
import SeatStore

extension PostgresLedgerStore {
    /// Takes the account's lock in a short `READ COMMITTED` transaction of
    /// its own: a held lock is seen by a plain read (so a second writer
    /// fails at once, naming the holder); otherwise the lock row is read `FOR UPDATE`, inserted when absent
    /// (`ON CONFLICT DO NOTHING`: of two first takers one wins, the other
    /// tries again) and taken over when expired by a compare-and-set on its
    /// id. Locks of different accounts are different rows: they never wait
    /// for each other.
    public func acquireLock(account: String, settings: LockSettings) throws -> LockRecord {
        try LockWaiter.acquire(account: account, settings: settings) { candidate in
            try session.transaction(.short) { session in
                // A plain read first: it sees a held lock without waiting for
                // the holder's apply, which keeps the row locked until it commits.
                let current = try session.execute("SELECT \(unescaped: Self.lockColumns) FROM locks WHERE account = \(account)").rows
                if let row = current.first {
                    let holder = try Self.lockRecord(row)
                    if !holder.isExpired(at: candidate.acquiredAt) { return .held(holder) }
                }
                let rows = try session.execute("SELECT \(unescaped: Self.lockColumns) FROM locks WHERE account = \(account) FOR UPDATE").rows
                let acquired = Self.milliseconds(candidate.acquiredAt)
                let expires = Self.milliseconds(candidate.expiresAt)
                guard let row = rows.first else {
                    let inserted = try session.changes("""
                        INSERT INTO locks (account, lock_id, actor, operation, acquired_at, expires_at)
                        VALUES (\(account), \(candidate.id), \(candidate.actor), \(candidate.operation), \(acquired), \(expires))
                        ON CONFLICT (account) DO NOTHING
                        """)
                    return inserted == 1 ? .acquired(replacing: nil) : .raced
                }
                let holder = try Self.lockRecord(row)
                guard holder.isExpired(at: candidate.acquiredAt) else { return .held(holder) }
                let replaced = try session.changes("""
                    UPDATE locks SET lock_id = \(candidate.id), actor = \(candidate.actor), operation = \(candidate.operation),
                        acquired_at = \(acquired), expires_at = \(expires)
                    WHERE account = \(account) AND lock_id = \(holder.id)
                    """)
                return replaced == 1 ? .acquired(replacing: holder) : .raced
            }
        }
    }

    public func releaseLock(_ lock: LockRecord) throws {
        try session.transaction(.short) { try Self.deleteLock(lock, $0) }
    }

    public func locks() throws -> [LockRecord] {
        try session.transaction(.readOnly) { session in
            try session.execute(#"SELECT \#(unescaped: Self.lockColumns) FROM locks ORDER BY account COLLATE "C""#).rows
                .map(Self.lockRecord)
        }
    }

    public func breakLock(id: String) throws -> LockRecord? {
        try session.transaction(.short) { session in
            try session.execute("DELETE FROM locks WHERE lock_id = \(id) RETURNING \(unescaped: Self.lockColumns)").rows
                .first.map(Self.lockRecord)
        }
    }

    static let lockColumns = "lock_id, account, actor, operation, acquired_at, expires_at"

    static func lockRecord(_ row: PostgresRow) throws -> LockRecord {
        let (id, account, actor, operation, acquired, expires) = try row.decode((String, String, String, String, Int64, Int64).self)
        return LockRecord(id: id, account: account, actor: actor, operation: operation,
                          acquiredAt: date(acquired), expiresAt: date(expires))
    }

    /// Inside an apply's transaction: the lock must still be this one; its
    /// row stays locked until the apply commits or rolls back.
    static func checkHeld(_ lock: LockRecord, _ session: PostgresSession) throws {
        let rows = try session.execute("SELECT lock_id FROM locks WHERE account = \(lock.account) FOR UPDATE").rows
        guard try rows.first?.decode(String.self) == lock.id else {
            throw LedgerError.lockLost(account: lock.account, lockID: lock.id)
        }
    }

    static func deleteLock(_ lock: LockRecord, _ session: PostgresSession) throws {
        try session.execute("DELETE FROM locks WHERE account = \(lock.account) AND lock_id = \(lock.id)")
    }
}
