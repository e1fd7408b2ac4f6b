import Foundation
import PostgresNIO
import SeatStore

/// One PostgreSQL connection used synchronously: every query waits for its
/// future on the calling thread (never an event-loop thread, so never a
/// deadlock), one transaction at a time.
final class PostgresSession: @unchecked Sendable {
    /// The kinds of transaction the store runs.
    enum Mode {
        /// `REPEATABLE READ READ ONLY`: reads see one consistent state.
        case readOnly
        /// `REPEATABLE READ`: an apply's or an import's writes.
        case write
        /// `READ COMMITTED`: short bookkeeping (locks, migrations).
        case short

        var begin: PostgresQuery {
            switch self {
            case .readOnly: return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            case .write: return "BEGIN ISOLATION LEVEL REPEATABLE READ"
            case .short: return "BEGIN ISOLATION LEVEL READ COMMITTED"
            }
        }
    }

    let location: String
    private let connection: PostgresConnection
    private let logger: Logger
    private let mutex = NSLock()
    private var closed = false

    init(url: PostgresURL) throws {
        location = url.description
        var logger = Logger(label: "seatctl.postgres")
        logger.logLevel = .critical
        self.logger = logger
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: try Self.tls(url.sslMode, location: url.description))
        configuration.options.connectTimeout = .seconds(10)
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw Self.translate(error, location: url.description, connecting: true)
        }
    }

    deinit {
        close()
    }

    /// Closes the connection; later calls fail.
    func close() {
        mutex.lock()
        defer { mutex.unlock() }
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
    }

    /// Runs `body` outside any explicit transaction, alone on the connection.
    func run<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        mutex.lock()
        defer { mutex.unlock() }
        return try translating { try body(self) }
    }

    /// Runs `body` in one transaction; anything thrown rolls it back.
    func transaction<T>(_ mode: Mode, _ body: (PostgresSession) throws -> T) throws -> T {
        try run { session in try session.inTransaction(mode, body) }
    }

    /// For callers already inside ``run(_:)``.
    func inTransaction<T>(_ mode: Mode, _ body: (PostgresSession) throws -> T) throws -> T {
        try execute(mode.begin)
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs one statement and collects its rows.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> PostgresQueryResult {
        guard !closed else { throw LedgerError.database("the connection to \(location) is closed") }
        return try connection.query(query, logger: logger).wait()
    }

    /// Runs a query whose one row's one column is a JSON array (text) and
    /// decodes its elements.
    func jsonRows<Row: Decodable>(_: Row.Type, _ query: PostgresQuery) throws -> [Row] {
        guard let text = try execute(query).rows.first?.decode(String.self) else { return [] }
        do {
            return try JSONDecoder().decode([Row].self, from: Data(text.utf8))
        } catch {
            throw LedgerError.database("the ledger holds a row this seatctl cannot read (a missing or mistyped column)")
        }
    }

    /// How many rows a statement changed.
    func changes(_ query: PostgresQuery) throws -> Int {
        try execute(query).metadata.rows ?? 0
    }

    private func translating<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Self.translate(error, location: location, connecting: false)
        }
    }

    /// Phrases a PostgreSQL failure for the terminal from the server's
    /// message and SQLSTATE (which name tables and constraints, never
    /// values); the server's "detail", which can hold values, is left out.
    /// Errors that are not PostgreSQL's pass through unchanged.
    static func translate(_ error: any Error, location: String, connecting: Bool) -> any Error {
        guard let error = error as? PSQLError else {
            if connecting, !(error is LedgerError) {
                return LedgerError.unusable(path: location, reason: "cannot connect: \(error)")
            }
            return error
        }
        switch error.code {
        case .server:
            let message = error.serverInfo?[.message] ?? "unknown error"
            let state = error.serverInfo?[.sqlState] ?? "?????"
            if connecting || state.hasPrefix("28") || state == "3D000" {
                return LedgerError.unusable(path: location, reason: "the server refused: \(message) (SQLSTATE \(state))")
            }
            switch state {
            case "40001", "40P01":
                return LedgerError.database("another transaction changed the same rows at the same time; try again (SQLSTATE \(state))")
            default:
                return LedgerError.database("\(message) (SQLSTATE \(state))")
            }
        case .connectionError:
            return LedgerError.unusable(path: location, reason: "cannot connect to the server (is it running and reachable?)")
        case .sslUnsupported:
            return LedgerError.unusable(path: location, reason: "the server does not offer TLS; use ?sslmode=disable or prefer")
        case .authMechanismRequiresPassword:
            return LedgerError.unusable(path: location, reason: "the server asks for a password; put it in the URL (postgres://USER:PASSWORD@…)")
        case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return LedgerError.unusable(path: location, reason: "the connection to the server was lost")
        default:
            return LedgerError.database("PostgreSQL client error (\(error.code))")
        }
    }

    private static func tls(_ mode: PostgresURL.SSLMode, location: String) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if mode != .verifyFull { configuration.certificateVerification = .none }
        let context: () throws -> NIOSSLContext = {
            do { return try NIOSSLContext(configuration: configuration) } catch {
                throw LedgerError.unusable(path: location, reason: "cannot set up TLS: \(error)")
            }
        }
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try context())
        case .require, .verifyFull: return .require(try context())
        }
    }
}
