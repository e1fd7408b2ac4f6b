import Foundation
import PostgresNIO
import SeatStore

/// The PostgreSQL ledger's schema: the same tables, columns and
/// migrations ("v1"; "v2", billing; "v3", locks; "v4", an unused index
/// dropped) as the SQLite ledger's `LedgerSchema`, in PostgreSQL's types:
/// - instants are BIGINT milliseconds since 1970-01-01T00:00:00Z;
/// - calendar days are TEXT `YYYY-MM-DD`, enumerations TEXT raw values;
/// - booleans are BOOLEAN;
/// - catalog plan lists are JSON arrays of strings, as TEXT;
/// - deferrals and journal entries carry an identity column that keeps
///   the order they were written in.
///
/// Applied migrations are recorded in `schema_migrations`; a ledger with a
/// migration this build does not know was written by a newer seatctl and
/// is refused. Migrating runs under a transaction-scoped advisory lock, so
/// processes that open a new ledger at once migrate it once.
enum PostgresLedgerSchema {
    struct Migration {
        let identifier: String
        let sql: [String]
    }

    static let migrations: [Migration] = [
        Migration(identifier: "v1", sql: [
            """
            CREATE TABLE catalog (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                currency TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE catalog_plans (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                products TEXT NOT NULL,
                billing TEXT NOT NULL,
                commitment TEXT NOT NULL,
                contract_months INTEGER,
                price_minor_units BIGINT NOT NULL,
                price_currency TEXT NOT NULL,
                storage_per_license_gb INTEGER NOT NULL,
                offered_to TEXT NOT NULL,
                min_licenses INTEGER NOT NULL,
                max_licenses INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                name TEXT,
                timezone TEXT NOT NULL,
                status TEXT NOT NULL,
                lineage TEXT NOT NULL,
                serial BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE users (
                account TEXT NOT NULL REFERENCES accounts(id),
                email TEXT NOT NULL,
                name TEXT,
                role TEXT NOT NULL,
                external BOOLEAN NOT NULL,
                status TEXT NOT NULL,
                PRIMARY KEY (account, email)
            )
            """,
            """
            CREATE TABLE licenses (
                code TEXT PRIMARY KEY,
                account TEXT NOT NULL REFERENCES accounts(id),
                plan TEXT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                activated_at BIGINT,
                end_date TEXT,
                assigned_to TEXT,
                seq BIGINT NOT NULL,
                FOREIGN KEY (account, assigned_to) REFERENCES users(account, email)
            )
            """,
            "CREATE INDEX licenses_by_account_plan ON licenses(account, plan)",
            "CREATE INDEX licenses_by_account_age ON licenses(account, created_at, seq, code)",
            """
            CREATE TABLE contract_terms (
                account TEXT NOT NULL REFERENCES accounts(id),
                plan TEXT NOT NULL,
                started TEXT NOT NULL,
                PRIMARY KEY (account, plan)
            )
            """,
            """
            CREATE TABLE deferrals (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account TEXT NOT NULL REFERENCES accounts(id),
                plan TEXT NOT NULL,
                until TEXT NOT NULL
            )
            """,
            "CREATE INDEX deferrals_by_account ON deferrals(account)",
            """
            CREATE TABLE journal (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at BIGINT NOT NULL,
                account TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                from_value TEXT,
                to_value TEXT,
                serial BIGINT NOT NULL
            )
            """,
            "CREATE INDEX journal_by_account_time ON journal(account, at)",
            "CREATE INDEX journal_by_time ON journal(at)",
        ]),
        // Billing, as SQLite's "v2" (`LedgerSchema.billingTables`).
        Migration(identifier: "v2", sql: [
            """
            CREATE TABLE account_billing (
                account TEXT PRIMARY KEY REFERENCES accounts(id),
                anchor TEXT NOT NULL,
                currency TEXT NOT NULL,
                credit_balance_minor BIGINT NOT NULL DEFAULT 0 CHECK (credit_balance_minor >= 0),
                last_invoice_date TEXT,
                usage_gb BIGINT CHECK (usage_gb >= 0),
                usage_recorded_at BIGINT
            )
            """,
            """
            CREATE TABLE license_billing (
                code TEXT PRIMARY KEY REFERENCES licenses(code),
                account TEXT NOT NULL REFERENCES accounts(id),
                billed_until TEXT NOT NULL,
                paid_minor BIGINT NOT NULL,
                invoice_state TEXT CHECK (invoice_state IN ('invoiced', 'paid')),
                invoice TEXT
            )
            """,
            "CREATE INDEX license_billing_by_account ON license_billing(account)",
            "CREATE INDEX license_billing_by_invoice ON license_billing(invoice)",
            """
            CREATE TABLE adjustments (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account TEXT NOT NULL REFERENCES accounts(id),
                kind TEXT NOT NULL CHECK (kind IN ('charge', 'credit')),
                plan TEXT NOT NULL,
                count INTEGER NOT NULL,
                span_start TEXT NOT NULL,
                span_end TEXT NOT NULL,
                period_days INTEGER NOT NULL,
                amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                at BIGINT NOT NULL,
                invoice TEXT
            )
            """,
            "CREATE INDEX adjustments_by_account_invoice ON adjustments(account, invoice)",
            """
            CREATE TABLE invoices (
                id TEXT PRIMARY KEY,
                account TEXT NOT NULL REFERENCES accounts(id),
                date TEXT NOT NULL,
                currency TEXT NOT NULL,
                subtotal_minor BIGINT NOT NULL,
                credit_applied_minor BIGINT NOT NULL,
                total_minor BIGINT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('open', 'paid')),
                issued_at BIGINT NOT NULL,
                sent_at BIGINT,
                UNIQUE (account, date)
            )
            """,
            """
            CREATE TABLE invoice_lines (
                invoice TEXT NOT NULL REFERENCES invoices(id),
                position INTEGER NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('recurring', 'charge', 'credit')),
                plan TEXT NOT NULL,
                count INTEGER NOT NULL,
                span_start TEXT NOT NULL,
                span_end TEXT NOT NULL,
                period_days INTEGER NOT NULL,
                amount_minor BIGINT NOT NULL,
                PRIMARY KEY (invoice, position)
            )
            """,
            """
            CREATE TABLE payments (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                invoice TEXT NOT NULL REFERENCES invoices(id),
                account TEXT NOT NULL REFERENCES accounts(id),
                amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                method_reference TEXT NOT NULL,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL
            )
            """,
            "CREATE INDEX payments_by_invoice ON payments(invoice)",
            """
            CREATE TABLE invoice_deliveries (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                invoice TEXT NOT NULL REFERENCES invoices(id),
                license TEXT NOT NULL,
                at BIGINT NOT NULL,
                actor TEXT NOT NULL
            )
            """,
        ]),
        // Per-account writer locks (see `LockRecord`); at most one per account.
        Migration(identifier: "v3", sql: [
            """
            CREATE TABLE locks (
                account TEXT PRIMARY KEY,
                lock_id TEXT NOT NULL UNIQUE,
                actor TEXT NOT NULL,
                operation TEXT NOT NULL,
                acquired_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
        ]),
        // As SQLite's "v4": no query reads licenses by (account, plan).
        Migration(identifier: "v4", sql: [
            "DROP INDEX licenses_by_account_plan",
        ]),
    ]

    /// The newest migration this build knows, as messages show it.
    static var newest: String { migrations.last?.identifier ?? "v0" }
}

extension PostgresLedgerStore {
    /// Whether the ledger's schema (its migrations table) exists; creates nothing.
    static func schemaExists(_ schema: String, _ session: PostgresSession) throws -> Bool {
        let rows = try session.execute("SELECT to_regclass(\(quoted(schema) + ".schema_migrations"))::text").rows
        return try rows.first?.decode(String?.self) != nil
    }

    /// Creates the schema when missing, refuses one that holds other tables
    /// or a newer ledger, and applies missing migrations in one transaction.
    static func prepareSchema(_ schema: String, location: String, _ session: PostgresSession) throws {
        let name = quoted(schema)
        try session.execute(PostgresQuery(unsafeSQL: "SET search_path TO \(name)"))
        try session.inTransaction(.short) { session in
            try session.execute("SELECT pg_advisory_xact_lock(hashtextextended(\("seatctl migrate " + schema), 0))")
            try session.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(name)"))
            if try !schemaExists(schema, session) {
                let tables = try session.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = \(schema)").rows
                if try tables.first?.decode(Int64.self) ?? 0 > 0 {
                    throw LedgerError.unusable(
                        path: location,
                        reason: "its schema \"\(schema)\" holds tables of another program; name another with ?schema=NAME")
                }
                try session.execute("CREATE TABLE schema_migrations (identifier TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            }
            var applied: Set<String> = []
            for row in try session.execute("SELECT identifier FROM schema_migrations").rows {
                applied.insert(try row.decode(String.self))
            }
            let known = Set(PostgresLedgerSchema.migrations.map(\.identifier))
            let unknown = applied.subtracting(known)
            guard unknown.isEmpty else {
                throw LedgerError.newerSchema(
                    path: location, found: unknown.sorted().joined(separator: ", "), supported: PostgresLedgerSchema.newest)
            }
            let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
            for migration in PostgresLedgerSchema.migrations where !applied.contains(migration.identifier) {
                for statement in migration.sql { try session.execute(PostgresQuery(unsafeSQL: statement)) }
                try session.execute("INSERT INTO schema_migrations (identifier, applied_at) VALUES (\(migration.identifier), \(now))")
            }
        }
    }

    /// `"name"`; schema names are checked to need no escaping (`PostgresURL`).
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
