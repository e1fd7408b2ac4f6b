import Foundation
import GRDB
import Testing
@testable import SeatCore
@testable import SeatStore

/// How the SQLite store reads a snapshot's text: statuses and roles matched
/// as bytes, repeated plans and days decoded once, each license's holder
/// found in the table of the users' e-mails it builds as it reads.
struct SnapshotReadTests {
    /// The table holds the users' e-mails in order; a license held by a
    /// user points at that user, and one held by an e-mail that is no
    /// user's (a damaged ledger) or by no one points nowhere. Removed
    /// licenses that still name their holder point at the holder too.
    @Test func theSnapshotIndexesItsUsersEmails() throws {
        try SQLiteTarget.memory.withStore(tracing: nil) { store in
            let writes = SQLiteLedgerScaleTests.largeCreation(users: 120)
            try store.apply(account: "big", expectedLineage: nil, expectedSerial: 0) { _, _ in writes }
            try store.writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: """
                    INSERT INTO licenses (code, account, plan, status, created_at, end_date, assigned_to, seq)
                    VALUES ('GHOST001', 'big', 'full-suite-monthly', 'active', 0, NULL, 'ghost@big.example', 9999);
                    UPDATE licenses SET status = 'removed' WHERE code = 'L0000003';
                    """)
                try db.execute(sql: "PRAGMA foreign_keys = ON")
            }
            let snapshot = try store.snapshot(account: "big", indexingEmails: true)
            let emails = try #require(snapshot.emails)
            // Unasked, the table is not made; the snapshot is the same.
            let plain = try store.snapshot(account: "big")
            #expect(plain.emails == nil)
            #expect(plain == snapshot)
            #expect(emails.users.keys == snapshot.users.map(\.email))
            #expect(emails.holders.count == snapshot.licenses.count)
            var pointsAtUser = 0, pointsNowhere = 0
            for (license, holder) in zip(snapshot.licenses, emails.holders) {
                if holder >= 0 {
                    #expect(snapshot.users[Int(holder)].email == license.assignedTo)
                    pointsAtUser += 1
                } else {
                    #expect(license.assignedTo == nil || license.assignedTo == "ghost@big.example")
                    pointsNowhere += 1
                }
            }
            #expect(pointsAtUser == 120 && pointsNowhere == 121)
            #expect(snapshot.licenses.first { $0.code == "GHOST001" }?.assignedTo == "ghost@big.example")
            #expect(snapshot.licenses.first { $0.code == "L0000003" }.map { ($0.status, $0.assignedTo) }! == (.removed, "user3@big.example"))
            // Everything else as written: the statuses, plans and days read as bytes included.
            var expected = Sample.snapshot(after: writes)
            expected.licenses = snapshot.licenses.filter { $0.code == "GHOST001" } + expected.licenses.map {
                var license = $0
                if license.code == "L0000003" { license.status = .removed }
                return license
            }
            #expect(snapshot == expected)
        }
    }

    /// A ledger of one account is read in storage order and then ordered;
    /// one shared with another account is read in index order. Both give
    /// `ORDER BY created_at, seq, code`, codes compared as bytes, whatever
    /// order the rows are stored in: here licenses bought at one instant
    /// with one sequence number are stored against their code order.
    @Test(arguments: [false, true])
    func licensesComeInTheirOrderWhateverTheStorage(shared: Bool) throws {
        try Self.withAcme(shared: shared) { store in
            try store.writer.write { db in
                for code in ["TIE0000Z", "TIE0000b", "TIE0000B", "TIE00000", "LATE0001", "EARLY001"] {
                    let at = code.hasPrefix("LATE") ? 9_000_000_000_000 : code.hasPrefix("EARLY") ? 1 : 5_000_000
                    try db.execute(sql: """
                        INSERT INTO licenses (code, account, plan, status, created_at, seq) VALUES (?, 'acme', 'full-suite-monthly', 'active', ?, 7)
                        """, arguments: [code, at])
                }
            }
            let codes = try store.snapshot(account: "acme").licenses.map(\.code)
            let expected = try store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT code FROM licenses WHERE account = 'acme' ORDER BY created_at, seq, code")
            }
            #expect(codes == expected)
            #expect(codes.first == "EARLY001" && codes.last == "LATE0001")
            #expect(codes.filter { $0.hasPrefix("TIE") } == ["TIE00000", "TIE0000B", "TIE0000Z", "TIE0000b"])
        }
    }

    /// Users come in the order of their e-mails' bytes (`ORDER BY email`),
    /// in a ledger of one account (read in storage order, then ordered) as
    /// in a shared one (read in index order), whatever order they are
    /// stored in. Here the bytes' order differs from `String`'s: a
    /// decomposed "e" + U+0301 sorts before "é" (U+00E9) as bytes, but is
    /// the same character to a `String`, which then compares what follows.
    @Test(arguments: [false, true])
    func usersComeInTheirEmailsByteOrderWhateverTheStorage(shared: Bool) throws {
        try Self.withAcme(shared: shared) { store in
            let decomposed = "e\u{301}x@acme.example", precomposed = "\u{E9}a@acme.example"
            #expect(precomposed < decomposed && decomposed.utf8.lexicographicallyPrecedes(precomposed.utf8))
            try store.writer.write { db in
                for email in [precomposed, decomposed, "0first@acme.example", "~last@acme.example"] {
                    try db.execute(sql: """
                        INSERT INTO users (account, email, name, role, external, status) VALUES ('acme', ?, NULL, 'user', 0, 'active')
                        """, arguments: [email])
                }
            }
            let emails = try store.snapshot(account: "acme").users.map(\.email)
            let expected = try store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT email FROM users WHERE account = 'acme' ORDER BY email")
            }
            #expect(emails == expected)
            #expect(emails.first == "0first@acme.example" && emails.last == precomposed)
            #expect(emails.filter { !$0.utf8.allSatisfy { $0 < 0x80 } } == [decomposed, precomposed])
            // As stored: one apply's users by role and e-mail, then these four as inserted.
            let stored = try store.writer.read { db in
                try String.fetchAll(db, sql: "SELECT email FROM users NOT INDEXED WHERE account = 'acme'")
            }
            #expect(stored != expected)
        }
    }

    /// A store in memory with the account "acme", alone or with another.
    private static func withAcme(shared: Bool, _ body: (SQLiteLedgerStore) throws -> Void) throws {
        try SQLiteTarget.memory.withStore(tracing: nil) { store in
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            if shared {
                try store.apply(account: "other", expectedLineage: nil, expectedSerial: 0) { _, _ in
                    Sample.creation("other", codePrefix: "O")
                }
            }
            try body(store)
        }
    }

    /// A value the store does not know (from a newer seatctl, or edited by
    /// hand) stops the read with a message that names it.
    @Test(arguments: [
        ("UPDATE licenses SET status = 'frozen' WHERE code = 'L0000007'", "holds an unknown license status; was it written by a newer seatctl?"),
        ("UPDATE users SET role = 'owner' WHERE email = 'user7@big.example'", "holds an unknown user role; was it written by a newer seatctl?"),
        ("UPDATE users SET status = 'away' WHERE email = 'user8@big.example'", "holds an unknown user status; was it written by a newer seatctl?"),
        ("UPDATE licenses SET end_date = 'tomorrow' WHERE code = 'L0000010'", "holds a date that is not YYYY-MM-DD"),
        ("UPDATE license_billing SET billed_until = 'soon' WHERE code = 'L0000011'", "holds a date that is not YYYY-MM-DD"),
    ])
    func unknownStoredValuesAreRefused(change: String, message: String) throws {
        try SQLiteTarget.memory.withStore(tracing: nil) { store in
            var writes = SQLiteLedgerScaleTests.largeCreation(users: 20)
            writes.billing = BillingWrites(anchor: Day(year: 2026, month: 1, day: 1), currency: "USD",
                                           creditBalance: Money(minorUnits: 0, currency: "USD"),
                                           licenses: LicenseRecords(Dictionary(uniqueKeysWithValues: writes.licenses.map {
                                               ($0.code, LicenseBilling(billedUntil: Day(year: 2026, month: 2, day: 1),
                                                                        paid: Money(minorUnits: 100, currency: "USD")))
                                           })))
            try store.apply(account: "big", expectedLineage: nil, expectedSerial: 0) { _, _ in writes }
            #expect(try store.snapshot(account: "big").billing?.licenses.count == 40)
            try store.writer.write { db in
                try db.execute(sql: change)
                #expect(db.changesCount == 1)
            }
            #expect(throws: LedgerError.database("the ledger " + message)) { try store.snapshot(account: "big") }
        }
    }
}
