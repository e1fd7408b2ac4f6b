import Foundation
import GRDB
import SeatCore

extension SQLiteLedgerStore {
    /// Reads one account with five queries whatever its size: the account
    /// row, then every user, license, contract term and deferral through row
    /// cursors. The caller provides the transaction that makes them consistent.
    ///
    /// Orders: users by email, licenses oldest first (``License/olderFirst``),
    /// contract terms by plan, deferrals as they were written.
    ///
    /// `indexingEmails`: see ``LedgerStore/snapshot(account:indexingEmails:)``;
    /// `beforeBilling`: see ``LedgerStore/snapshot(account:indexingEmails:beforeBilling:)``.
    static func readSnapshot(account id: String, indexingEmails: Bool = false,
                             beforeBilling: ((LedgerSnapshot) -> Void)? = nil, _ db: Database) throws -> LedgerSnapshot {
        // The last columns: whether the ledger holds this account alone (see
        // `storageOrder`), and then how many users and licenses the ledger
        // has at most (their largest rowids, found in the trees' last pages).
        let accountStatement = try db.cachedStatement(sql: """
            SELECT kind, name, timezone, status, lineage, serial, created_at,
                   NOT EXISTS (SELECT 1 FROM accounts WHERE id <> ?1),
                   (SELECT max(rowid) FROM users), (SELECT max(rowid) FROM licenses)
            FROM accounts WHERE id = ?1
            """)
        guard let row = try Row.fetchOne(accountStatement, arguments: [id]) else {
            beforeBilling?(.empty)
            return .empty
        }
        let isAlone: Bool = try row.decode(atIndex: 7)
        // Alone in the ledger, the account has about as many rows as the
        // tables: its arrays are sized once rather than copied at each
        // doubling (room a few deleted rows leave unused is never touched).
        func expected(_ column: Int) throws -> Int {
            guard isAlone, let rows: Int64 = try row.decode(atIndex: column) else { return 0 }
            return Int(min(max(rows, 0), 50_000_000))
        }
        let expectedUsers = try expected(8), expectedLicenses = try expected(9)
        let account = LedgerAccount(
            id: id,
            kind: try decode(AccountKind.self, row, 0, "account kind"),
            name: try row.decode(atIndex: 1),
            timezone: try row.decode(atIndex: 2),
            status: try decode(AccountStatus.self, row, 3, "account status"),
            lineage: try row.decode(atIndex: 4),
            serial: try row.decode(atIndex: 5),
            createdAt: StoredValue.date(milliseconds: try row.decode(atIndex: 6)))

        // Users and licenses go through SQLite's C API: GRDB's rows box
        // every value, and a large account has 300,000 of these rows. Text
        // is read as bytes where it can be: a status is matched, a
        // repeated plan or day decoded once per run, and a license's
        // holder found in the table of users' e-mails (see `SnapshotEmails`).
        var users: [LedgerUser] = []
        users.reserveCapacity(expectedUsers)
        let roles = StoredEnum<Role>("user role"), userStatuses = StoredEnum<UserStatus>("user status")
        // Alone in the ledger, the account's users are read in storage order
        // too, and put in order after when they are not in it already: each
        // row is read where it is rather than looked up from its entry in the
        // index of e-mails.
        try BulkStatement(db.cachedStatement(sql: isAlone
            ? "SELECT email, name, role, external, status FROM users NOT INDEXED WHERE account = ?"
            : "SELECT email, name, role, external, status FROM users WHERE account = ? ORDER BY email"))
            .forEachRow(.text(id)) { row in
                var user = LedgerUser(
                    email: "",
                    name: row.optionalText(1),
                    role: try roles.value(row.utf8(2)),
                    isExternal: row.integer(3) != 0,
                    status: try userStatuses.value(row.utf8(4)))
                // Stored lower-cased already; assigning skips lower-casing again.
                user.email = row.text(0)
                users.append(user)
            }
        // In the order of their e-mails' bytes, as `ORDER BY email` gives them. An
        // apply writes its users by e-mail, so those of an account's first apply
        // are in order already; users added by later applies come after.
        if isAlone, let order = reordering(count: users.count, by: { Self.precedes(users[$0].email, users[$1].email) }) {
            users = order.map { users[$0] }
        }
        // The table is made once the users are counted: grown user by user,
        // it would hash every e-mail again at each doubling.
        var emails = SlotTable(capacity: indexingEmails ? users.count : 0)
        var emailsMatchUsers = indexingEmails
        for user in users where indexingEmails {
            let (slot, inserted) = emails.insert(user.email)
            emailsMatchUsers = emailsMatchUsers && inserted && slot == emails.count - 1
        }

        var licenses: [License] = []
        licenses.reserveCapacity(expectedLicenses)
        // With the e-mail table, each holder's bytes are kept as the rows
        // are read, and looked up in the table after (see `HolderBytes`).
        var holderBytes = HolderBytes(capacity: indexingEmails ? expectedLicenses : 0)
        var plans = RecentText<String>.strings(), endDays = RecentText<Day>.days()
        let statuses = StoredEnum<LicenseStatus>("license status")
        // A ledger of one account is read in storage order, which is mostly
        // the order licenses were bought in: without the index, each row is
        // read where it is rather than looked up from the index's entry, and
        // the rows are put in order after, when they are not already.
        try BulkStatement(db.cachedStatement(sql: isAlone ? """
            SELECT code, plan, status, created_at, activated_at, end_date, assigned_to, seq
            FROM licenses NOT INDEXED WHERE account = ?
            """ : """
            SELECT code, plan, status, created_at, activated_at, end_date, assigned_to, seq
            FROM licenses WHERE account = ? ORDER BY created_at, seq, code
            """)).forEachRow(.text(id)) { row in
                var license = License(
                    code: row.text(0),
                    plan: try plans.value(row.utf8(1)),
                    status: try statuses.value(row.utf8(2)),
                    createdAt: StoredValue.date(milliseconds: row.integer(3)),
                    activatedAt: row.optionalInteger(4).map(StoredValue.date(milliseconds:)),
                    endDate: row.isNull(5) ? nil : try endDays.value(row.utf8(5)),
                    sequence: row.integer(7))
                if indexingEmails {
                    holderBytes.append(row.isNull(6) ? nil : row.utf8(6))
                } else if !row.isNull(6) {
                    license.assignedTo = String(decoding: row.utf8(6), as: UTF8.self)
                }
                licenses.append(license)
            }
        // Stored lower-cased; a user's holder shares the user's string.
        var holders = indexingEmails ? holderBytes.resolve(in: emails, into: &licenses) : []
        if isAlone, let order = reordering(count: licenses.count, by: { Self.storageOrder(licenses, $0, $1) }) {
            licenses = order.map { licenses[$0] }
            if indexingEmails { holders = order.map { holders[$0] } }
        }

        var contractStarts: [String: Day] = [:]
        let termRows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT plan, started FROM contract_terms WHERE account = ? ORDER BY plan"),
            arguments: [id])
        while let row = try termRows.next() {
            contractStarts[try row.decode(atIndex: 0)] = try decodeDay(row, 1, optional: false)
        }

        var deferrals: [RecordedDeferral] = []
        let deferralRows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT plan, until FROM deferrals WHERE account = ? ORDER BY rowid"),
            arguments: [id])
        while let row = try deferralRows.next() {
            deferrals.append(RecordedDeferral(plan: try row.decode(atIndex: 0), until: try decodeDay(row, 1, optional: false)!))
        }

        var snapshot = LedgerSnapshot(
            account: account, users: users, licenses: licenses, contractStarts: contractStarts, deferrals: deferrals,
            emails: emailsMatchUsers ? SnapshotEmails(users: emails, holders: holders) : nil)
        beforeBilling?(snapshot)
        // Shares every array with what was handed over: only the billing is added.
        snapshot.billing = try readBilling(account, expectedLicenses: licenses.count, isAlone: isAlone, db)
        return snapshot
    }

    /// `ORDER BY created_at, seq, code`, as SQLite compares (the code's
    /// bytes, which a `String` comparison need not follow), for the licenses
    /// at positions `a` and `b`. Their fields are read where they are: a
    /// license copied takes a reference to its holder's string, a cache miss
    /// per license in a large account.
    static func storageOrder(_ licenses: [License], _ a: Int, _ b: Int) -> Bool {
        if licenses[a].createdAt != licenses[b].createdAt { return licenses[a].createdAt < licenses[b].createdAt }
        if licenses[a].sequence != licenses[b].sequence { return licenses[a].sequence < licenses[b].sequence }
        return precedes(licenses[a].code, licenses[b].code)
    }

    /// True when the UTF-8 of `a` sorts before that of `b` (SQLite's
    /// `BINARY` collation).
    private static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Which of `codes` a license of any account has: one query for the
    /// whole batch, the codes passed as one JSON array.
    static func takenCodes(_ codes: [String], _ db: Database) throws -> Set<String> {
        guard !codes.isEmpty else { return [] }
        // A ledger with no license yet (before its first apply) has none to
        // take: skip sending and parsing the codes of a large first purchase.
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM licenses)")) == true else { return [] }
        let statement = try db.cachedStatement(sql: "SELECT code FROM licenses WHERE code IN (SELECT value FROM json_each(?))")
        return Set(try String.fetchAll(statement, arguments: [try jsonArray(codes)]))
    }

    /// `codes` as a JSON array of strings. License codes are plain ASCII,
    /// written as they are; any other string goes through JSONEncoder.
    /// (JSONEncoder alone takes a noticeable part of a second for the
    /// 200,000 codes of a large first apply.)
    static func jsonArray(_ codes: [String]) throws -> String {
        var json = "["
        json.reserveCapacity(codes.count * 11 + 2)
        for (index, code) in codes.enumerated() {
            if index > 0 { json += "," }
            if code.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                json += "\"" + code + "\""
            } else {
                json += String(decoding: try JSONEncoder().encode(code), as: UTF8.self)
            }
        }
        return json + "]"
    }

    /// An enumeration stored as its raw value; an unknown one is most likely
    /// from a newer seatctl.
    static func decode<Value: RawRepresentable>(_ type: Value.Type, _ text: String, _ what: String) throws -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: text) else { throw unknownValue(what) }
        return value
    }

    static func unknownValue(_ what: String) -> LedgerError {
        LedgerError.database("the ledger holds an unknown \(what); was it written by a newer seatctl?")
    }

    /// An enumeration stored as its raw value, read from a GRDB row.
    static func decode<Value: RawRepresentable>(
        _ type: Value.Type, _ row: Row, _ index: Int, _ what: String
    ) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: try row.decode(String.self, atIndex: index)) else { throw unknownValue(what) }
        return value
    }

    static func decodeDay(_ row: Row, _ index: Int, optional: Bool) throws -> Day? {
        guard let text = try row.decode(String?.self, atIndex: index) else {
            if optional { return nil }
            throw LedgerError.database("the ledger is missing a required date")
        }
        return try day(text)
    }

    /// A stored `YYYY-MM-DD` day.
    static func day(_ text: String) throws -> Day {
        guard let day = StoredValue.day(text) else {
            throw LedgerError.database("the ledger holds a date that is not YYYY-MM-DD")
        }
        return day
    }
}

/// The holders of the licenses a snapshot read, as bytes, to be looked up
/// in the table of the users' e-mails once every row is read. Looked up as
/// each row is read, every lookup waited for its entry of the table (far
/// from the previous one in memory) before the next row was read; looked
/// up in one loop, lookups that follow each other wait together.
struct HolderBytes {
    private var text: [UInt8] = []
    /// Per license, where its holder's bytes end in `text`; for a license
    /// without a holder, `~end` (negative), the end of the holder before.
    private var ends: [Int] = []

    init(capacity: Int) {
        text.reserveCapacity(capacity * 32)
        ends.reserveCapacity(capacity)
    }

    mutating func append(_ holder: UnsafeBufferPointer<UInt8>?) {
        guard let holder else { return ends.append(~text.count) }
        text.append(contentsOf: holder)
        ends.append(text.count)
    }

    /// Sets each license's holder, the user's own string when the holder is
    /// a user of `emails`, and returns each license's user slot (-1 for none).
    /// First every slot, in one loop (``SlotTable/slots(count:ofUTF8:)``),
    /// then the strings: taking a user's string updates its reference count.
    func resolve(in emails: SlotTable, into licenses: inout [License]) -> [Int32] {
        text.withUnsafeBufferPointer { text in
            /// The holder's bytes of license `index`, nil when it has none.
            func holder(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
                guard ends[index] >= 0 else { return nil }
                let start = index == 0 ? 0 : max(ends[index - 1], ~ends[index - 1])
                return UnsafeBufferPointer(rebasing: text[start..<ends[index]])
            }
            let slots = emails.slots(count: ends.count, ofUTF8: holder)
            for index in licenses.indices {
                guard let bytes = holder(index) else { continue }
                let slot = Int(slots[index])
                licenses[index].assignedTo = slot >= 0 ? emails.keys[slot] : String(decoding: bytes, as: UTF8.self)
            }
            return slots
        }
    }
}
