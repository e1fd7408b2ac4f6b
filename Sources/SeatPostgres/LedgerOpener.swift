import SeatStore

/// Opens any `--state` location: SQLite through SeatStore, PostgreSQL here.
public enum LedgerOpener {
    /// Opens the ledger, creating it (a SQLite file, or a PostgreSQL schema) when missing.
    public static func open(_ location: LedgerLocation, lock: LockSettings = .standard) throws -> any LedgerStore {
        if case .postgres(let url) = location { return try PostgresLedgerStore(url: url, lock: lock) }
        return try location.open(lock: lock)
    }

    /// Opens the ledger only if it exists already; nil otherwise.
    public static func openIfExists(_ location: LedgerLocation, lock: LockSettings = .standard) throws -> (any LedgerStore)? {
        if case .postgres(let url) = location { return try PostgresLedgerStore.openIfExists(url: url, lock: lock) }
        return try location.openIfExists(lock: lock)
    }
}
