import Foundation
import Testing
@testable import SeatPostgres
import SeatStore

/// The PostgreSQL server the tests use: `SEATCTL_TEST_POSTGRES_URL`, as
/// `scripts/postgres-test-server.sh start` prints it. Each test gets a
/// schema of its own (`?schema=t_…`), dropped afterwards, so tests run in
/// parallel on one database.
///
/// Without the variable the PostgreSQL cases do not run: locally they are
/// left out and `postgresServerIsConfigured` shows as skipped with the reason;
/// under CI (`CI=true`) they run and fail, saying how to start a server.
enum PostgresTestDatabase {
    static let variable = "SEATCTL_TEST_POSTGRES_URL"
    static let url = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    /// Whether PostgreSQL cases are part of this run.
    static let runs = url != nil || isCI
    static let missing = "\(variable) is not set, so the PostgreSQL tests did not run; start a server with "
        + "`eval \"$(scripts/postgres-test-server.sh start)\"` and run the tests again"

    /// A URL for a new schema of its own, and that schema's name.
    static func freshURL() throws -> PostgresURL {
        guard let url else { throw PostgresNotConfigured() }
        var parsed = try PostgresURL(parsing: url)
        parsed.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return parsed
    }

    /// Drops the schema a test used.
    static func drop(_ url: PostgresURL) throws {
        try PostgresLedgerStore.execute(url, "DROP SCHEMA IF EXISTS \(PostgresLedgerStore.quoted(url.schema)) CASCADE")
    }

    /// Runs `body` with a fresh schema's URL, dropped afterwards.
    static func withSchema<T>(_ body: (PostgresURL) throws -> T) throws -> T {
        let url = try freshURL()
        defer { try? drop(url) }
        return try body(url)
    }
}

struct PostgresNotConfigured: Error, CustomStringConvertible {
    var description: String { PostgresTestDatabase.missing }
}

@Suite struct PostgresConfigurationTests {
    /// Shows, in every local run without a server, that the PostgreSQL
    /// cases were left out and how to run them.
    @Test(.enabled(if: PostgresTestDatabase.runs, Comment(rawValue: PostgresTestDatabase.missing)))
    func postgresServerIsConfigured() throws {
        #expect(PostgresTestDatabase.url != nil, Comment(rawValue: PostgresTestDatabase.missing))
    }
}
