import Foundation
import PostgresNIO
import SeatCore
import SeatStore

extension PostgresLedgerStore {
    static func readAccountIDs(_ session: PostgresSession) throws -> [String] {
        // COLLATE "C": sorted by UTF-8 bytes, as SQLite sorts them.
        try session.execute(#"SELECT id FROM accounts ORDER BY id COLLATE "C""#).rows.map { try $0.decode(String.self) }
    }

    /// Reads one account with a fixed number of queries whatever its size
    /// (five, and one to three for its billing records), in the
    /// caller's transaction: users by email, licenses oldest first,
    /// contract terms by plan, deferrals as they were written.
    static func readSnapshot(account id: String, _ session: PostgresSession) throws -> LedgerSnapshot {
        let accountRows = try session.execute(
            "SELECT kind, name, timezone, status, lineage, serial, created_at FROM accounts WHERE id = \(id)").rows
        guard let row = accountRows.first else { return .empty }
        let (kind, name, timezone, status, lineage, serial, createdAt) =
            try row.decode((String, String?, String, String, String, Int64, Int64).self)
        let account = LedgerAccount(
            id: id, kind: try decode(AccountKind.self, kind, "account kind"), name: name, timezone: timezone,
            status: try decode(AccountStatus.self, status, "account status"), lineage: lineage, serial: Int(serial),
            createdAt: date(createdAt))

        // Users and licenses come back as one JSON array each (built by the
        // server, decoded in one go): per-row decoding costs far more.
        let users = try session.jsonRows(UserRow.self, """
            SELECT coalesce(json_agg(json_build_object('email', email, 'name', name, 'role', role, 'external', external,
                'status', status) ORDER BY email COLLATE "C"), '[]')::text
            FROM users WHERE account = \(id)
            """).map { row in
            var user = LedgerUser(email: "", name: row.name, role: try decode(Role.self, row.role, "user role"),
                                  isExternal: row.external, status: try decode(UserStatus.self, row.status, "user status"))
            user.email = row.email  // stored lower-cased already
            return user
        }

        let licenses = try session.jsonRows(LicenseRow.self, """
            SELECT coalesce(json_agg(json_build_object('code', code, 'plan', plan, 'status', status, 'created_at', created_at,
                'activated_at', activated_at, 'end_date', end_date, 'assigned_to', assigned_to, 'seq', seq)
                ORDER BY created_at, seq, code COLLATE "C"), '[]')::text
            FROM licenses WHERE account = \(id)
            """).map { row in
            var license = License(
                code: row.code, plan: row.plan, status: try decode(LicenseStatus.self, row.status, "license status"),
                createdAt: date(row.created_at), activatedAt: row.activated_at.map(date), endDate: try row.end_date.map(day),
                sequence: row.seq)
            license.assignedTo = row.assigned_to
            return license
        }

        var contractStarts: [String: Day] = [:]
        for row in try session.execute("SELECT plan, started FROM contract_terms WHERE account = \(id)").rows {
            let (plan, started) = try row.decode((String, String).self)
            contractStarts[plan] = try day(started)
        }

        var deferrals: [RecordedDeferral] = []
        for row in try session.execute("SELECT plan, until FROM deferrals WHERE account = \(id) ORDER BY id").rows {
            let (plan, until) = try row.decode((String, String).self)
            deferrals.append(RecordedDeferral(plan: plan, until: try day(until)))
        }
        return LedgerSnapshot(account: account, users: users, licenses: licenses, contractStarts: contractStarts, deferrals: deferrals,
                              billing: try readBilling(account: id, session))
    }

    /// Which of `codes` a license of any account has: one query for the
    /// whole batch, the codes bound as one text array.
    static func takenCodes(_ codes: [String], _ session: PostgresSession) throws -> Set<String> {
        guard !codes.isEmpty else { return [] }
        return Set(try session.execute("SELECT code FROM licenses WHERE code = ANY(\(codes))").rows.map { try $0.decode(String.self) })
    }

    /// Oldest first; entries at the same instant in the order they were written.
    /// Oldest first; entries at the same instant in the order they were written.
    /// With `idFrom`, entries at exactly `since` count only from that row id on.
    static func readJournal(account: String?, since: Date?, idFrom: Int64? = nil, _ session: PostgresSession) throws -> [JournalEntry] {
        let sinceMilliseconds = since.map(milliseconds)
        return try session.jsonRows(JournalEntryRow.self, """
            SELECT coalesce(json_agg(json_build_object('at', at, 'account', account, 'actor', actor, 'action', action,
                'subject', subject, 'from_value', from_value, 'to_value', to_value, 'serial', serial) ORDER BY at, id), '[]')::text
            FROM journal
            WHERE (\(account)::text IS NULL OR account = \(account)) AND (\(sinceMilliseconds)::bigint IS NULL OR at >= \(sinceMilliseconds))
              AND (\(idFrom)::bigint IS NULL OR at > \(sinceMilliseconds) OR id >= \(idFrom))
            """).map { row in
            JournalEntry(at: date(row.at), account: row.account, actor: row.actor, action: row.action, subject: row.subject,
                         from: row.from_value, to: row.to_value, serial: Int(row.serial))
        }
    }

    private struct JournalEntryRow: Decodable {
        var at: Int64, account: String, actor: String, action: String, subject: String
        var from_value: String?, to_value: String?, serial: Int64
    }

    static func readCatalog(_ session: PostgresSession) throws -> Catalog? {
        guard let currencyRow = try session.execute("SELECT currency FROM catalog WHERE singleton = 1").rows.first else { return nil }
        let currency = try currencyRow.decode(String.self)
        var plans: [CatalogPlan] = []
        for row in try session.execute("""
            SELECT id, name, products, billing, commitment, contract_months, price_minor_units, price_currency,
                   storage_per_license_gb, offered_to, min_licenses, max_licenses
            FROM catalog_plans ORDER BY id COLLATE "C"
            """).rows {
            let (id, name, products, billing, commitment, months, price, priceCurrency, storage, offeredTo, minimum, maximum) =
                try row.decode((String, String, String, String, String, Int32?, Int64, String, Int32, String, Int32, Int32).self)
            plans.append(CatalogPlan(
                id: id, name: name, products: try list(products), billing: try decode(BillingPeriod.self, billing, "billing period"),
                commitment: try decode(Commitment.self, commitment, "commitment"), contractMonths: months.map(Int.init),
                price: Money(minorUnits: price, currency: priceCurrency), storagePerLicenseGB: Int(storage),
                offeredTo: try list(offeredTo).map { try decode(AccountKind.self, $0, "account kind") },
                minLicenses: Int(minimum), maxLicenses: Int(maximum)))
        }
        return Catalog(currency: currency, plans: plans)
    }

    // MARK: - Stored values (the conventions of `LedgerSchema`)

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    static func day(_ text: String) throws -> Day {
        guard let day = Day(iso: text) else { throw LedgerError.database("the ledger holds a date that is not YYYY-MM-DD") }
        return day
    }

    static func decode<T: RawRepresentable>(_: T.Type, _ raw: String, _ what: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else {
            throw LedgerError.database("the ledger holds an unknown \(what); was it written by a newer seatctl?")
        }
        return value
    }

    static func list(_ text: String) throws -> [String] {
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw LedgerError.database("the ledger's catalog holds a list that is not a JSON array of strings")
        }
        return list
    }
}
