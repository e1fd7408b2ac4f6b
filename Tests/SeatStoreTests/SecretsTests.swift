import Foundation
import SeatCore
import Testing
@testable import SeatStore

/// Nothing a user supplies as data, and no credential, appears in an error:
/// database errors name tables and columns, never the values bound to a
/// statement, and ledger URLs lose their passwords and queries.
@Suite struct SecretsTests {
    /// Distinctive values in every bound column of a write that SQLite
    /// refuses (the account row exists already): the error names the
    /// constraint, and none of the values.
    @Test func constraintErrorsNeverCarryBoundValues() throws {
        let store = try SQLiteLedgerStore.inMemory()
        try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }

        var writes = Sample.creation("acme")
        writes.account.name = "Secret Name QZX-4411"
        writes.account.timezone = "Secret/Zone-QZX"
        writes.journal = [JournalEntry(at: Sample.t0, account: "acme", actor: "secret-actor-QZX", action: "buy",
                                       subject: "secret-subject-QZX", from: "secret-from-QZX", to: "secret-to-QZX", serial: 2)]
        let error = #expect(throws: LedgerError.self) {
            try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in writes }
        }
        #expect(error == .database("UNIQUE constraint failed: accounts.id (SQLite code 1555)"))
        let message = error?.description ?? ""
        for secret in ["QZX", "lineage-acme", "Secret"] {
            #expect(!message.contains(secret), "\(message)")
        }
        // Nothing of the refused write is in the ledger.
        #expect(try store.snapshot(account: "acme").account?.name == "Acme Ltd")
    }

    /// A contract term started twice breaks a primary key with values of the
    /// caller's: still only the columns are named.
    @Test func primaryKeyErrorsNameColumnsOnly() throws {
        let store = try SQLiteLedgerStore.inMemory()
        var creation = Sample.creation("acme")
        creation.contractStarts = ["secret-plan-qzx": Day(year: 2026, month: 1, day: 1)]
        try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in creation }
        let again = LedgerWrites(account: Sample.account("acme", serial: 2), isNewAccount: false,
                                 contractStarts: ["secret-plan-qzx": Day(year: 2026, month: 2, day: 2)])
        let error = #expect(throws: LedgerError.self) {
            try store.apply(account: "acme", expectedLineage: "lineage-acme", expectedSerial: 1) { _, _ in again }
        }
        let message = error?.description ?? ""
        #expect(message.contains("constraint failed: contract_terms."), "\(message)")
        #expect(!message.contains("qzx") && !message.contains("2026-02-02"), "\(message)")
    }

    /// A license code that belongs to another account is refused without
    /// naming the code.
    @Test func foreignLicenseCodeIsRefusedWithoutNamingIt() throws {
        let store = try SQLiteLedgerStore.inMemory()
        try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
        var beta = Sample.creation("beta")
        beta.licenses = [License(code: "A0000003", plan: "full-suite-monthly", createdAt: Sample.t0, sequence: 1)]
        let error = #expect(throws: LedgerError.self) {
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in beta }
        }
        #expect(error == .database("a license code in this change set already belongs to another account"))
        // The same when the license is one the apply buys (inserted, not
        // upserted), in the middle of a batch; nothing of beta is written.
        beta.licenses = (1...100).map { License(code: String(format: "B%07d", $0), plan: "full-suite-monthly", createdAt: Sample.t0, sequence: Int64($0)) }
        beta.licenses[70].code = "A0000003"
        beta.boughtCodes = beta.licenses.map(\.code)
        let bought = #expect(throws: LedgerError.self) {
            try store.apply(account: "beta", expectedLineage: nil, expectedSerial: 0) { _, _ in beta }
        }
        #expect(bought == .database("a license code in this change set already belongs to another account"))
        #expect(try store.snapshot(account: "beta") == .empty)
        #expect(try store.account(ofLicense: "B0000001") == nil)
    }

    @Test(arguments: [
        ("postgres://seatctl:hunter2@db/seats", "postgres://seatctl:***@db/seats"),
        ("postgres://seatctl:hun@ter2@db/seats", "postgres://seatctl:***@db/seats"),
        ("postgres://seatctl:hun/ter2@db/seats", "postgres://seatctl:***@db/seats"),
        ("postgres://seatctl:hun#ter?2@db:5432/seats", "postgres://seatctl:***@db:5432/seats"),
        ("postgresql://seatctl:p%40ss@db/seats?sslpassword=swordfish", "postgresql://seatctl:***@db/seats?…"),
        ("postgres://db/seats?password=swordfish", "postgres://db/seats?…"),
        ("postgres://seatctl@db/seats#frag", "postgres://seatctl@db/seats?…"),
        ("postgres://db/seats", "postgres://db/seats"),
        ("postgres://db/seats?password=sword@fish", "postgres://***@fish"),
    ])
    func urlsLoseTheirCredentials(url: String, shown: String) {
        #expect(LedgerLocation.redacted(url) == shown)
    }
}
