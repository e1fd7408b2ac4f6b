import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    /// Persists what an apply computed, inside the caller's transaction, with
    /// one cached prepared statement per kind of row.
    ///
    /// Users are upserted by (account, email) and licenses by code; a code
    /// that belongs to another account is an error, never a takeover.
    /// Contract starts are inserted (a term starts once), the account's
    /// deferrals are replaced, journal entries appended in order.
    static func persist(_ writes: LedgerWrites, account id: String, _ db: Database) throws {
        guard writes.account.id == id else {
            throw LedgerError.database("the writes are for account \"\(writes.account.id)\" but were applied to \"\(id)\"")
        }
        try persistAccount(writes.account, isNew: writes.isNewAccount, db)
        ApplyPausePoint.afterAccount.reached()

        try BulkInsert(db, "INSERT INTO users (account, email, name, role, external, status) VALUES", columns: 6, tail: """
            ON CONFLICT (account, email) DO UPDATE SET
                name = excluded.name, role = excluded.role, external = excluded.external, status = excluded.status
            """).run(count: writes.users.count, afterFirstStatement: ApplyPausePoint.duringUsers.reached) { index in
                let user = writes.users[index]
                return [.text(id), .text(user.email), .text(user.name), .text(user.role.rawValue), .bool(user.isExternal),
                        .text(user.status.rawValue)]
            }
        ApplyPausePoint.afterUsers.reached()

        // Licenses bought in this apply are new rows, inserted; the others
        // are upserted. The upsert's WHERE skips (changes nothing) when the
        // code is another account's; the insert fails on its primary key.
        let licenses = writes.licenses
        let firstBought = writes.firstBoughtLicense
        let head = "INSERT INTO licenses (code, account, plan, status, created_at, activated_at, end_date, assigned_to, seq) VALUES"
        func values(_ license: License) -> [BulkValue] {
            [.text(license.code), .text(id), .text(license.plan), .text(license.status.rawValue),
             .integer(StoredValue.milliseconds(license.createdAt)), .integer(license.activatedAt.map(StoredValue.milliseconds)),
             .text(license.endDate.map(StoredValue.text)), .text(license.assignedTo), .integer(license.sequence)]
        }
        let upserted = try BulkInsert(db, head, columns: 9, tail: """
            ON CONFLICT (code) DO UPDATE SET
                plan = excluded.plan, status = excluded.status, created_at = excluded.created_at,
                activated_at = excluded.activated_at, end_date = excluded.end_date,
                assigned_to = excluded.assigned_to, seq = excluded.seq
            WHERE licenses.account = excluded.account
            """).run(count: firstBought, afterFirstStatement: ApplyPausePoint.duringLicenses.reached) { values(licenses[$0]) }
        var inserted = 0
        do {
            inserted = try BulkInsert(db, head, columns: 9).run(
                count: licenses.count - firstBought,
                afterFirstStatement: { if firstBought == 0 { ApplyPausePoint.duringLicenses.reached() } }
            ) { values(licenses[firstBought + $0]) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            inserted = -1
        }
        if upserted != firstBought || inserted != licenses.count - firstBought {
            throw LedgerError.database("a license code in this change set already belongs to another account")
        }
        ApplyPausePoint.afterLicenses.reached()

        if !writes.contractStarts.isEmpty {
            let statement = try db.cachedStatement(sql: "INSERT INTO contract_terms (account, plan, started) VALUES (?, ?, ?)")
            for (plan, started) in writes.contractStarts.sorted(by: { $0.key < $1.key }) {
                statement.setUncheckedArguments([id, plan, StoredValue.text(started)])
                try statement.execute()
            }
        }
        ApplyPausePoint.afterContractTerms.reached()

        try db.cachedStatement(sql: "DELETE FROM deferrals WHERE account = ?").execute(arguments: [id])
        if !writes.deferrals.isEmpty {
            let statement = try db.cachedStatement(sql: "INSERT INTO deferrals (account, plan, until) VALUES (?, ?, ?)")
            for deferral in writes.deferrals {
                statement.setUncheckedArguments([id, deferral.plan, StoredValue.text(deferral.until)])
                try statement.execute()
            }
        }

        ApplyPausePoint.afterDeferrals.reached()
        if let billing = writes.billing { try persistBilling(billing, licenses: writes.licenses, account: id, db) }
        ApplyPausePoint.afterBilling.reached()
        try appendJournal(writes.journal, db)
        ApplyPausePoint.afterJournal.reached()
    }

    private static func persistAccount(_ account: LedgerAccount, isNew: Bool, _ db: Database) throws {
        if isNew {
            try db.cachedStatement(sql: """
                INSERT INTO accounts (id, kind, name, timezone, status, lineage, serial, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    account.id, account.kind.rawValue, account.name, account.timezone, account.status.rawValue,
                    account.lineage, account.serial, StoredValue.milliseconds(account.createdAt),
                ])
        } else {
            // The lineage is fixed for life: it selects the row, never changes it.
            try db.cachedStatement(sql: """
                UPDATE accounts SET kind = ?, name = ?, timezone = ?, status = ?, serial = ?, created_at = ?
                WHERE id = ? AND lineage = ?
                """).execute(arguments: [
                    account.kind.rawValue, account.name, account.timezone, account.status.rawValue,
                    account.serial, StoredValue.milliseconds(account.createdAt), account.id, account.lineage,
                ])
            if db.changesCount != 1 {
                throw LedgerError.database("the writes update account \"\(account.id)\", which does not exist with that lineage")
            }
        }
    }
}
