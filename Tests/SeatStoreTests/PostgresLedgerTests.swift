import Foundation
import SeatCore
import Testing
@testable import SeatPostgres
@testable import SeatStore

/// What only the PostgreSQL store has: its schema bookkeeping, connection
/// failures, and a large account (timings printed, never asserted).
@Suite(.enabled(if: PostgresTestDatabase.runs, Comment(rawValue: PostgresTestDatabase.missing)))
struct PostgresLedgerTests {
    @Test func aLedgerOfANewerSeatctlIsRefusedAndLeftAlone() throws {
        try PostgresTestDatabase.withSchema { url in
            _ = try PostgresLedgerStore(url: url)
            try PostgresLedgerStore.execute(url, "INSERT INTO schema_migrations (identifier, applied_at) VALUES ('v9', 0)")
            #expect(throws: LedgerError.newerSchema(path: url.description, found: "v9", supported: "v4")) {
                try PostgresLedgerStore(url: url)
            }
            #expect(try PostgresLedgerStore.execute(url, "SELECT identifier FROM schema_migrations ORDER BY identifier") == ["v1", "v2", "v3", "v4", "v9"])
        }
    }

    @Test func aSchemaHoldingAnotherProgramsTablesIsRefused() throws {
        try PostgresTestDatabase.withSchema { url in
            try PostgresLedgerStore.execute(url, "CREATE SCHEMA \(url.schema)")
            try PostgresLedgerStore.execute(url, "CREATE TABLE \(url.schema).users (id int)")
            let error = #expect(throws: LedgerError.self) { try PostgresLedgerStore(url: url) }
            #expect(error == .unusable(path: url.description,
                                       reason: "its schema \"\(url.schema)\" holds tables of another program; name another with ?schema=NAME"))
            #expect(try PostgresLedgerStore.openIfExists(url: url) == nil)
        }
    }

    @Test func openIfExistsCreatesNothing() throws {
        try PostgresTestDatabase.withSchema { url in
            #expect(try PostgresLedgerStore.openIfExists(url: url) == nil)
            #expect(try PostgresLedgerStore.execute(
                url, "SELECT schema_name::text FROM information_schema.schemata WHERE schema_name = '\(url.schema)'") == [])
            try PostgresLedgerStore(url: url).importCatalog(Sample.catalog, actor: "admin", at: Sample.t0)
            #expect(try PostgresLedgerStore.openIfExists(url: url)?.catalog() == Sample.catalog)
        }
    }

    @Test func anUnreachableServerIsAClearErrorWithoutThePassword() throws {
        var url = try PostgresTestDatabase.freshURL()
        url.port = 1
        url.password = "hunter2"
        let error = #expect(throws: LedgerError.self) { try PostgresLedgerStore(url: url) }
        #expect(error == .unusable(path: "postgres://\(url.user):***@\(url.host):1/\(url.database)?sslmode=disable&schema=\(url.schema)",
                                   reason: "cannot connect to the server (is it running and reachable?)"))
        #expect(!(error?.description.contains("hunter2") ?? true))
    }

    @Test func aLargeAccountRoundTrips() throws {
        try PostgresTestDatabase.withSchema { url in
            let store = try PostgresLedgerStore(url: url)
            let users = SQLiteLedgerScaleTests.userCount
            let writes = SQLiteLedgerScaleTests.largeCreation(users: users)
            let clock = ContinuousClock()
            let applied = try clock.measure {
                try store.apply(account: "big", expectedLineage: nil, expectedSerial: 0) { _, _ in writes }
            }
            var snapshot = LedgerSnapshot.empty
            let read = try clock.measure { snapshot = try store.snapshot(account: "big") }
            print("[postgres] apply of \(users) users, \(2 * users) licenses, \(3 * users) journal entries: \(applied); snapshot: \(read)")
            #expect(snapshot == Sample.snapshot(after: writes))
            #expect(try store.journal(account: "big", since: nil).count == 3 * users)
        }
    }
}

extension PostgresLedgerStore {
    /// Runs one statement on a connection of its own; the first column of each row as text.
    @discardableResult
    static func execute(_ url: PostgresURL, _ sql: String) throws -> [String] {
        let session = try PostgresSession(url: url)
        defer { session.close() }
        return try session.run { session in
            try session.execute(.init(unsafeSQL: "SET search_path TO \(quoted(url.schema))"))
            return try session.execute(.init(unsafeSQL: sql)).rows.map { try $0.decode(String.self) }
        }
    }
}
