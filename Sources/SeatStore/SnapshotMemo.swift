import Foundation
import GRDB
import SeatCore

/// The snapshot a SQLite store read last, kept so that an apply right after
/// a plan (`seatctl apply FILE`) need not read a large account twice.
///
/// It is used only while nothing has written to the ledger since it was
/// read. SQLite's `PRAGMA data_version` changes, for a connection, whenever
/// another connection commits to the database; the store's own writes
/// forget the memo (except taking and releasing locks, which no snapshot
/// holds). The value is read in the same transaction as the snapshot, so it
/// describes exactly what the snapshot saw.
final class SnapshotMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var entry: (account: String, dataVersion: Int64, snapshot: LedgerSnapshot)?

    static func dataVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
    }

    func remember(_ snapshot: LedgerSnapshot, of account: String, dataVersion: Int64) {
        lock.lock()
        entry = (account, dataVersion, snapshot)
        lock.unlock()
    }

    func forget() {
        lock.lock()
        entry = nil
        lock.unlock()
    }

    /// The remembered snapshot of `account` if the ledger is still as it was
    /// read (`db` inside the caller's transaction); forgets it either way.
    func take(_ account: String, _ db: Database) throws -> LedgerSnapshot? {
        lock.lock()
        let remembered = entry
        entry = nil
        lock.unlock()
        guard let remembered, remembered.account == account else { return nil }
        return try Self.dataVersion(db) == remembered.dataVersion ? remembered.snapshot : nil
    }
}
