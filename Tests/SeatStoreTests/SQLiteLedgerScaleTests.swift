import Foundation
import GRDB
import SeatCore
import Testing
@testable import SeatStore

/// How the SQLite store behaves with large accounts: a fixed number of
/// queries per snapshot, and timings for the sizes the design names.
///
/// `SEATSTORE_SCALE_USERS` sets the size (licenses are twice as many,
/// journal entries three times); the default keeps `swift test` quick.
/// Measure in release: `SEATSTORE_SCALE_USERS=100000 swift test -c release
/// -Xswiftc -enable-testing --filter SQLiteLedgerScaleTests`.
@Suite("SQLite ledger at scale", .serialized)
struct SQLiteLedgerScaleTests {
    static let userCount = ProcessInfo.processInfo.environment["SEATSTORE_SCALE_USERS"].flatMap(Int.init) ?? 3_000

    @Test(arguments: [SQLiteTarget.memory, .file])
    func snapshotRunsAFixedNumberOfQueries(target: SQLiteTarget) throws {
        let selects = StatementLog()
        try target.withStore(tracing: selects) { store in
            let writes = Self.largeCreation(users: 300)
            try store.apply(account: "big", expectedLineage: nil, expectedSerial: 0) { _, _ in writes }

            selects.reset()
            let snapshot = try store.snapshot(account: "big")
            #expect(snapshot.users.count == 300)
            #expect(snapshot.licenses.count == 600)
            // Account, users, licenses, contract terms, deferrals, billing
            // (one query: this account has no billing records).
            #expect(selects.count == 6, "\(selects.statements)")

            func again(serial: Int) -> LedgerWrites {
                var next = writes
                next.isNewAccount = false
                next.boughtCodes = []   // the same rows again: updated, in batches
                next.account.serial = serial + 1
                next.contractStarts = [:]
                next.journal = []
                return next
            }
            // Right after a snapshot, with nothing written since, the apply
            // works on that snapshot: none of the snapshot's queries again.
            selects.reset()
            var given: LedgerSnapshot?
            try store.apply(account: "big", expectedLineage: "lineage-big", expectedSerial: 1) { current, _ in
                given = current
                return again(serial: 1)
            }
            #expect(given == snapshot)
            #expect(selects.all.filter { !$0.contains("locks") && $0.uppercased().hasPrefix("SELECT") }.isEmpty, "\(selects.statements)")

            // Otherwise it reads the account itself.
            selects.reset()
            try store.apply(account: "big", expectedLineage: "lineage-big", expectedSerial: 2) { _, _ in again(serial: 2) }
            // The snapshot's six, the account update, and per row kind one or
            // two statements however many rows (a full batch of
            // `BulkInsert.rowsPerStatement` rows, and one for the rest: here
            // users and licenses), and the page cache's size and the
            // statement journal's place (memory) for a bulk write;
            // never per-row SQL text. Besides them, the account lock: a read
            // (in a read transaction of its own: three more distinct
            // statements), a take, a check, a delete.
            let ledgerStatements = selects.all.filter { !$0.contains("locks") }
            let lockStatements = selects.all.filter { $0.contains("locks") }
            #expect(ledgerStatements.filter { $0.uppercased().hasPrefix("SELECT") }.count == 6, "\(selects.statements)")
            #expect(Set(ledgerStatements).count <= 20, "\(Set(ledgerStatements))")
            #expect(lockStatements.count == 5, "\(lockStatements)")
        }
    }

    @Test(arguments: [SQLiteTarget.memory, .file])
    func largeAccountRoundTrips(target: SQLiteTarget) throws {
        try target.withStore(tracing: nil) { store in
            let users = Self.userCount
            let writes = Self.largeCreation(users: users)
            let clock = ContinuousClock()
            let applied = try clock.measure {
                try store.apply(account: "big", expectedLineage: nil, expectedSerial: 0) { (_, isCodeFree) throws in
                    #expect(try isCodeFree("ZZZZZZZZ"))
                    return writes
                }
            }
            var snapshot = LedgerSnapshot.empty
            let read = try clock.measure { snapshot = try store.snapshot(account: "big") }
            print("[\(target)] apply of \(users) users, \(2 * users) licenses, \(3 * users) journal entries: \(applied); snapshot: \(read)")

            #expect(snapshot.users.count == users)
            #expect(snapshot.licenses.count == 2 * users)
            #expect(snapshot == Sample.snapshot(after: writes))
            #expect(try store.journal(account: "big", since: nil).count == 3 * users)
        }
    }

    /// The snapshot's order (users by e-mail, licenses oldest first) does
    /// not depend on the order rows are stored in: here first as written
    /// (users not in e-mail order), then with every row's storage order
    /// reversed, in a ledger of one account and in one shared with another.
    @Test(arguments: [false, true])
    func snapshotOrderDoesNotDependOnStorageOrder(shared: Bool) throws {
        try SQLiteTarget.memory.withStore(tracing: nil) { store in
            let writes = Self.largeCreation(users: 120)
            try store.apply(account: "big", expectedLineage: nil, expectedSerial: 0) { _, _ in writes }
            if shared {
                try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            }
            let expected = Sample.snapshot(after: writes)
            #expect(expected.users.map(\.email) != writes.users.map(\.email), "the users are stored out of e-mail order")
            #expect(try store.snapshot(account: "big") == expected)

            try store.writer.write { db in
                try db.execute(sql: "UPDATE users SET rowid = -rowid; UPDATE licenses SET rowid = -rowid")
            }
            #expect(try store.snapshot(account: "big") == expected)
            if shared { #expect(try store.snapshot(account: "acme") == Sample.snapshot(after: Sample.creation("acme"))) }
        }
    }

    static func largeCreation(users count: Int) -> LedgerWrites {
        let users = (0..<count).map { n in
            LedgerUser(email: "user\(n)@big.example", name: "User \(n)", role: n == 0 ? .administrator : .user)
        }
        let licenses = (0..<2 * count).map { (n: Int) -> License in
            let code = "L" + String(10_000_000 + n).dropFirst()
            let plan = n % 3 == 0 ? "full-suite-monthly" : "project-time-yearly"
            let status: LicenseStatus = n % 17 == 0 ? .paused : .active
            let activatedAt: Date? = n % 2 == 0 ? Sample.at(Double(n)) : nil
            let endDate: Day? = n % 5 == 0 ? Day(year: 2027, month: 1 + n % 12, day: 1 + n % 28) : nil
            let assignedTo: String? = n < count ? "user\(n)@big.example" : nil
            return License(code: code, plan: plan, status: status, createdAt: Sample.at(Double(n / 1000)),
                           activatedAt: activatedAt, endDate: endDate, assignedTo: assignedTo, sequence: Int64(n))
        }
        let journal = (0..<3 * count).map { n in
            Sample.entry("big", n < count ? "add_user" : "buy", "subject-\(n)", at: Sample.at(Double(n / 100)))
        }
        return LedgerWrites(
            account: Sample.account("big"), isNewAccount: true, users: users, licenses: licenses,
            contractStarts: ["field-contracted": Day(year: 2026, month: 1, day: 31)],
            deferrals: [RecordedDeferral(plan: "field-contracted", until: Day(year: 2027, month: 1, day: 31))],
            // Every license is bought by this apply: inserted, in batches.
            journal: journal, boughtCodes: licenses.map(\.code))
    }
}

enum SQLiteTarget: String, CustomTestStringConvertible, Sendable {
    case memory, file

    var testDescription: String { rawValue }

    func withStore(tracing log: StatementLog?, _ body: (SQLiteLedgerStore) throws -> Void) throws {
        var prepare: (@Sendable (Database) throws -> Void)?
        if let log {
            prepare = { db in db.trace(options: .statement) { event in log.record(event) } }
        }
        switch self {
        case .memory:
            try body(SQLiteLedgerStore(inMemoryPreparing: prepare))
        case .file:
            try withTemporaryDirectory { directory in
                try body(SQLiteLedgerStore(path: directory + "/ledger.sqlite", busyTimeout: 5, prepareDatabase: prepare))
            }
        }
    }
}

/// The SQL of the statements a store ran (text only, never values).
final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    func record(_ event: Database.TraceEvent) {
        guard case .statement(let statement) = event else { return }
        let sql = statement.sql
        lock.withLock { recorded.append(sql) }
    }

    func reset() { lock.withLock { recorded = [] } }

    var all: [String] { lock.withLock { recorded } }

    /// The SELECTs run (the queries that read rows).
    var statements: [String] { all.filter { $0.uppercased().hasPrefix("SELECT") } }

    var count: Int { statements.count }
}
