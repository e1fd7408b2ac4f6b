import GRDB

/// The SQLite ledger's schema, as a list of migrations.
///
/// Migrations never change once shipped: a later schema is a new migration
/// ("v2", …) appended to ``migrator``, never an edit of an old one. They use
/// raw SQL only, never seatctl's types, so that what "v1" creates stays
/// what it created the day it shipped (GRDB `Migrations.md`).
///
/// Each migration also sets `PRAGMA user_version` to its number and "v1"
/// stamps `PRAGMA application_id`, so a ledger can be recognised (and one
/// written by a newer seatctl refused) without knowing GRDB's bookkeeping.
///
/// Storage conventions (every store must round-trip the same values):
/// - instants (`Date`) are INTEGER milliseconds since 1970-01-01T00:00:00Z,
///   rounded to the nearest millisecond;
/// - calendar days (`Day`) are TEXT `YYYY-MM-DD`;
/// - enumerations are their Swift raw values as TEXT;
/// - booleans are INTEGER 0/1;
/// - catalog plan lists (`products`, `offered_to`) are JSON arrays of strings;
/// - the catalog's journal entries have the account `""`.
enum LedgerSchema {
    /// `PRAGMA application_id` of every seatctl ledger: "SEAT" in ASCII.
    static let applicationID: Int32 = 0x5345_4154

    /// The newest schema this build knows; equals `PRAGMA user_version`
    /// after migrating and the number in the last migration's identifier.
    /// ("v2" is billing's tables, "v3" the account locks, "v4" drops an
    /// index no query used.)
    static let version = 4

    /// The name a schema version is shown with in messages ("v1").
    static func name(_ version: Int) -> String { "v\(version)" }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE catalog (
                    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                    currency TEXT NOT NULL
                );
                CREATE TABLE catalog_plans (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    products TEXT NOT NULL,
                    billing TEXT NOT NULL,
                    commitment TEXT NOT NULL,
                    contract_months INTEGER,
                    price_minor_units INTEGER NOT NULL,
                    price_currency TEXT NOT NULL,
                    storage_per_license_gb INTEGER NOT NULL,
                    offered_to TEXT NOT NULL,
                    min_licenses INTEGER NOT NULL,
                    max_licenses INTEGER NOT NULL
                );
                CREATE TABLE accounts (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    name TEXT,
                    timezone TEXT NOT NULL,
                    status TEXT NOT NULL,
                    lineage TEXT NOT NULL,
                    serial INTEGER NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE users (
                    account TEXT NOT NULL REFERENCES accounts(id),
                    email TEXT NOT NULL,
                    name TEXT,
                    role TEXT NOT NULL,
                    external INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    PRIMARY KEY (account, email)
                );
                CREATE TABLE licenses (
                    code TEXT PRIMARY KEY,
                    account TEXT NOT NULL REFERENCES accounts(id),
                    plan TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    activated_at INTEGER,
                    end_date TEXT,
                    assigned_to TEXT,
                    seq INTEGER NOT NULL,
                    FOREIGN KEY (account, assigned_to) REFERENCES users(account, email)
                );
                CREATE INDEX licenses_by_account_plan ON licenses(account, plan);
                CREATE INDEX licenses_by_account_age ON licenses(account, created_at, seq, code);
                CREATE TABLE contract_terms (
                    account TEXT NOT NULL REFERENCES accounts(id),
                    plan TEXT NOT NULL,
                    started TEXT NOT NULL,
                    PRIMARY KEY (account, plan)
                );
                CREATE TABLE deferrals (
                    account TEXT NOT NULL REFERENCES accounts(id),
                    plan TEXT NOT NULL,
                    until TEXT NOT NULL
                );
                CREATE INDEX deferrals_by_account ON deferrals(account);
                CREATE TABLE journal (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,
                    account TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    from_value TEXT,
                    to_value TEXT,
                    serial INTEGER NOT NULL
                );
                CREATE INDEX journal_by_account_time ON journal(account, at);
                CREATE INDEX journal_by_time ON journal(at);
                PRAGMA application_id = 1397047636;
                PRAGMA user_version = 1;
                """)
        }
        migrator.registerMigration("v2") { db in try db.execute(sql: billingTables) }
        // Per-account writer locks (see `LockRecord`); at most one per account.
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                CREATE TABLE locks (
                    account TEXT PRIMARY KEY,
                    lock_id TEXT NOT NULL UNIQUE,
                    actor TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    acquired_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                );
                PRAGMA user_version = 3;
                """)
        }
        // No query reads licenses by (account, plan): the index only cost
        // every license written (about a sixth of a large first apply).
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                DROP INDEX licenses_by_account_plan;
                PRAGMA user_version = 4;
                """)
        }
        return migrator
    }
}
