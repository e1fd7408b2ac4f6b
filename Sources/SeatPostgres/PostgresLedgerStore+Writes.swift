import Foundation
import PostgresNIO
import SeatCore
import SeatStore

/// Rows travel to the server as one JSON array per statement (at most
/// ``PostgresLedgerStore/batchSize`` rows) expanded by `jsonb_to_recordset`:
/// a fixed number of round trips whatever the number of users, and NULLs
/// (keys left out of an object) without placeholder values.
extension PostgresLedgerStore {
    static let batchSize = 20_000

    /// A user as JSON travels to and from the server (column names as keys).
    struct UserRow: Codable {
        var email: String, name: String?, role: String, external: Bool, status: String
    }

    /// A license as JSON travels to and from the server (column names as keys).
    struct LicenseRow: Codable {
        var code: String, plan: String, status: String, created_at: Int64, activated_at: Int64?
        var end_date: String?, assigned_to: String?, seq: Int64
    }

    private struct PlanDayRow: Encodable {
        var ord: Int, plan: String, day: String
    }

    private struct JournalRow: Encodable {
        var ord: Int, at: Int64, account: String, actor: String, action: String, subject: String
        var from_value: String?, to_value: String?, serial: Int64
    }

    private struct CatalogPlanRow: Encodable {
        var id: String, name: String, products: String, billing: String, commitment: String, contract_months: Int?
        var price_minor_units: Int64, price_currency: String, storage_per_license_gb: Int, offered_to: String
        var min_licenses: Int, max_licenses: Int
    }

    /// Persists what an apply computed, in the caller's transaction. Users
    /// are upserted by (account, email), licenses by code (a code another
    /// account holds is an error, never a takeover; a row listed twice
    /// keeps its last version, as one statement per row would), contract
    /// starts inserted, deferrals replaced, journal entries appended in order.
    static func persist(_ writes: LedgerWrites, account id: String, _ session: PostgresSession) throws {
        guard writes.account.id == id else {
            throw LedgerError.database("the writes are for account \"\(writes.account.id)\" but were applied to \"\(id)\"")
        }
        try persistAccount(writes.account, isNew: writes.isNewAccount, session)

        let users = lastOfEach(writes.users, key: \.email).map {
            UserRow(email: $0.email, name: $0.name, role: $0.role.rawValue, external: $0.isExternal, status: $0.status.rawValue)
        }
        try inBatches(users) { json in
            try session.execute("""
                INSERT INTO users (account, email, name, role, external, status)
                SELECT \(id), r.email, r.name, r.role, r.external, r.status
                FROM jsonb_to_recordset(\(json)::jsonb) AS r(email text, name text, role text, external boolean, status text)
                ON CONFLICT (account, email) DO UPDATE SET
                    name = excluded.name, role = excluded.role, external = excluded.external, status = excluded.status
                """)
        }

        let licenses = lastOfEach(writes.licenses, key: \.code).map {
            LicenseRow(code: $0.code, plan: $0.plan, status: $0.status.rawValue, created_at: milliseconds($0.createdAt),
                       activated_at: $0.activatedAt.map(milliseconds), end_date: $0.endDate?.description,
                       assigned_to: $0.assignedTo, seq: $0.sequence)
        }
        try inBatches(licenses) { json, count in
            let changed = try session.changes("""
                INSERT INTO licenses (code, account, plan, status, created_at, activated_at, end_date, assigned_to, seq)
                SELECT r.code, \(id), r.plan, r.status, r.created_at, r.activated_at, r.end_date, r.assigned_to, r.seq
                FROM jsonb_to_recordset(\(json)::jsonb) AS r(code text, plan text, status text, created_at bigint,
                    activated_at bigint, end_date text, assigned_to text, seq bigint)
                ON CONFLICT (code) DO UPDATE SET
                    plan = excluded.plan, status = excluded.status, created_at = excluded.created_at,
                    activated_at = excluded.activated_at, end_date = excluded.end_date,
                    assigned_to = excluded.assigned_to, seq = excluded.seq
                WHERE licenses.account = excluded.account
                """)
            // The upsert's WHERE skips (changes nothing) when the code is another account's.
            if changed != count {
                throw LedgerError.database("a license code in this change set already belongs to another account")
            }
        }

        let starts = writes.contractStarts.sorted { $0.key < $1.key }.enumerated().map {
            PlanDayRow(ord: $0.offset, plan: $0.element.key, day: $0.element.value.description)
        }
        try inBatches(starts) { json in
            try session.execute("""
                INSERT INTO contract_terms (account, plan, started)
                SELECT \(id), r.plan, r.day FROM jsonb_to_recordset(\(json)::jsonb) AS r(ord int, plan text, day text)
                """)
        }

        try session.execute("DELETE FROM deferrals WHERE account = \(id)")
        let deferrals = writes.deferrals.enumerated().map {
            PlanDayRow(ord: $0.offset, plan: $0.element.plan, day: $0.element.until.description)
        }
        try inBatches(deferrals) { json in
            try session.execute("""
                INSERT INTO deferrals (account, plan, until)
                SELECT \(id), r.plan, r.day FROM jsonb_to_recordset(\(json)::jsonb) AS r(ord int, plan text, day text)
                ORDER BY r.ord
                """)
        }

        if let billing = writes.billing { try persistBilling(billing, licenses: writes.licenses, account: id, session) }
        try appendJournal(writes.journal, session)
    }

    /// Appends entries in their order (their identity values grow with it).
    static func appendJournal(_ entries: [JournalEntry], _ session: PostgresSession) throws {
        let rows = entries.enumerated().map { index, entry in
            JournalRow(ord: index, at: milliseconds(entry.at), account: entry.account, actor: entry.actor, action: entry.action,
                       subject: entry.subject, from_value: entry.from, to_value: entry.to, serial: Int64(entry.serial))
        }
        try inBatches(rows) { json in
            try session.execute("""
                INSERT INTO journal (at, account, actor, action, subject, from_value, to_value, serial)
                SELECT r.at, r.account, r.actor, r.action, r.subject, r.from_value, r.to_value, r.serial
                FROM jsonb_to_recordset(\(json)::jsonb) AS r(ord int, at bigint, account text, actor text, action text,
                    subject text, from_value text, to_value text, serial bigint)
                ORDER BY r.ord
                """)
        }
    }

    /// Replaces the catalog and journals the import, in the caller's transaction.
    static func writeCatalog(_ catalog: Catalog, actor: String, at: Date, _ session: PostgresSession) throws {
        let previous = try readCatalog(session)
        try writeCatalogRows(catalog, session)
        try appendJournal([LedgerJournal.catalogImport(from: previous, to: catalog, actor: actor, at: at)], session)
    }

    /// Replaces the catalog's rows, without journaling.
    static func writeCatalogRows(_ catalog: Catalog, _ session: PostgresSession) throws {
        try session.execute("DELETE FROM catalog_plans")
        try session.execute("""
            INSERT INTO catalog (singleton, currency) VALUES (1, \(catalog.currency))
            ON CONFLICT (singleton) DO UPDATE SET currency = excluded.currency
            """)
        let rows = try catalog.plans.map { plan in
            CatalogPlanRow(
                id: plan.id, name: plan.name, products: try jsonText(plan.products), billing: plan.billing.rawValue,
                commitment: plan.commitment.rawValue, contract_months: plan.contractMonths,
                price_minor_units: plan.price.minorUnits, price_currency: plan.price.currency,
                storage_per_license_gb: plan.storagePerLicenseGB, offered_to: try jsonText(plan.offeredTo.map(\.rawValue)),
                min_licenses: plan.minLicenses, max_licenses: plan.maxLicenses)
        }
        try inBatches(rows) { json in
            try session.execute("""
                INSERT INTO catalog_plans (id, name, products, billing, commitment, contract_months, price_minor_units,
                                           price_currency, storage_per_license_gb, offered_to, min_licenses, max_licenses)
                SELECT * FROM jsonb_to_recordset(\(json)::jsonb) AS r(id text, name text, products text, billing text,
                    commitment text, contract_months int, price_minor_units bigint, price_currency text,
                    storage_per_license_gb int, offered_to text, min_licenses int, max_licenses int)
                """)
        }
    }

    private static func persistAccount(_ account: LedgerAccount, isNew: Bool, _ session: PostgresSession) throws {
        let createdAt = milliseconds(account.createdAt)
        let serial = Int64(account.serial)
        if isNew {
            try session.execute("""
                INSERT INTO accounts (id, kind, name, timezone, status, lineage, serial, created_at)
                VALUES (\(account.id), \(account.kind.rawValue), \(account.name), \(account.timezone),
                        \(account.status.rawValue), \(account.lineage), \(serial), \(createdAt))
                """)
        } else {
            // The lineage is fixed for life: it selects the row, never changes it.
            let changed = try session.changes("""
                UPDATE accounts SET kind = \(account.kind.rawValue), name = \(account.name), timezone = \(account.timezone),
                    status = \(account.status.rawValue), serial = \(serial), created_at = \(createdAt)
                WHERE id = \(account.id) AND lineage = \(account.lineage)
                """)
            if changed != 1 {
                throw LedgerError.database("the writes update account \"\(account.id)\", which does not exist with that lineage")
            }
        }
    }

    /// Each element once, at the place of its last occurrence's value.
    private static func lastOfEach<Element, Key: Hashable>(_ elements: [Element], key: KeyPath<Element, Key>) -> [Element] {
        var position: [Key: Int] = [:]
        var result: [Element] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            if let index = position[element[keyPath: key]] {
                result[index] = element
            } else {
                position[element[keyPath: key]] = result.count
                result.append(element)
            }
        }
        return result
    }

    static func inBatches<Row: Encodable>(_ rows: [Row], _ body: (String) throws -> Void) throws {
        try inBatches(rows) { json, _ in try body(json) }
    }

    /// Calls `body` with each batch as a JSON array and its row count.
    static func inBatches<Row: Encodable>(_ rows: [Row], _ body: (String, Int) throws -> Void) throws {
        let encoder = JSONEncoder()
        var start = 0
        while start < rows.count {
            let end = min(start + batchSize, rows.count)
            let json = String(decoding: try encoder.encode(Array(rows[start..<end])), as: UTF8.self)
            try body(json, end - start)
            start = end
        }
    }

    private static func jsonText(_ list: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(list), as: UTF8.self)
    }
}
