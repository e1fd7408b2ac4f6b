import Foundation
import SeatStore
import Testing
@testable import SeatPostgres

/// The stores several seatctl processes can share, for end-to-end tests:
/// a SQLite file, and PostgreSQL when `SEATCTL_TEST_POSTGRES_URL` is set
/// (each test in a schema of its own, dropped afterwards). Under CI
/// (`CI=true`) PostgreSQL cases always run, and fail without a server.
enum SharedLedger: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite = "SQLite file"
    case postgres = "PostgreSQL"

    static let variable = "SEATCTL_TEST_POSTGRES_URL"
    static let serverURL = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    static let runsPostgres = serverURL != nil || ProcessInfo.processInfo.environment["CI"] == "true"
    static let missing = "\(variable) is not set, so the PostgreSQL end-to-end tests did not run; start a server with "
        + "`eval \"$(scripts/postgres-test-server.sh start)\"` and run the tests again"

    static var allCases: [SharedLedger] { runsPostgres ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }

    /// Runs `body` with the `--state` value of a new, empty ledger.
    func withState<T>(_ body: (String) throws -> T) throws -> T {
        switch self {
        case .sqlite:
            return try body("State/ledger.sqlite")
        case .postgres:
            guard let serverURL = Self.serverURL else {
                Issue.record(Comment(rawValue: Self.missing))
                throw LedgerError.database(Self.missing)
            }
            var url = try PostgresURL(parsing: serverURL)
            url.schema = "e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            defer {
                if let session = try? PostgresSession(url: url) {
                    _ = try? session.run { try $0.execute(.init(unsafeSQL: "DROP SCHEMA IF EXISTS \(url.schema) CASCADE")) }
                    session.close()
                }
            }
            var withPassword = url.description
            if let password = url.password {
                withPassword = withPassword.replacingOccurrences(of: ":***@", with: ":\(password)@")
            }
            return try body(withPassword)
        }
    }
}

@Suite struct SharedLedgerConfigurationTests {
    /// Shows, in every local run without a server, that the PostgreSQL
    /// end-to-end cases were left out and how to run them.
    @Test(.enabled(if: SharedLedger.runsPostgres, Comment(rawValue: SharedLedger.missing)))
    func postgresServerIsConfiguredForEndToEnd() throws {
        #expect(SharedLedger.serverURL != nil, Comment(rawValue: SharedLedger.missing))
    }
}
