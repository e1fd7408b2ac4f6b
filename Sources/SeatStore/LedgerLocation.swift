import Foundation

/// Where the ledger lives: the parsed value of `--state` (or `SEATCTL_STATE`).
///
/// | value | location |
/// |---|---|
/// | `State/ledger.sqlite`, `/abs/path`, `~/x.sqlite` | a SQLite file |
/// | `sqlite:PATH`, `sqlite://PATH` | a SQLite file |
/// | `sqlite::memory:` (or `:memory:`) | a SQLite ledger in memory, gone when the process ends |
/// | `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…]` (or `postgresql://`) | PostgreSQL (opened through SeatPostgres) |
/// | anything else with a URL scheme (`mysql://…`, `file:…`) | refused |
///
/// A scheme is two or more letters, digits, `+`, `-` or `.` before a `:`;
/// write `./a:b` for a relative file whose name has such a prefix.
public enum LedgerLocation: Hashable, Sendable, CustomStringConvertible {
    /// A SQLite ledger file (WAL mode), created on first use.
    case sqliteFile(path: String)
    /// A SQLite ledger in memory, private to one store.
    case sqliteMemory
    /// A PostgreSQL database; ``PostgresURL/description`` hides the password.
    case postgres(PostgresURL)

    /// The default `--state`, relative to the current directory.
    public static let defaultPath = "State/ledger.sqlite"

    /// Parses a `--state` value.
    ///
    /// - Throws: ``LedgerError/unsupportedURL(_:)`` for an empty value, a
    ///   malformed PostgreSQL URL or an unknown scheme. A password or query
    ///   in the URL is never repeated in the error.
    public init(parsing value: String) throws {
        if value == ":memory:" {
            self = .sqliteMemory
            return
        }
        let lowercased = value.lowercased()
        if lowercased.hasPrefix("sqlite:") {
            var rest = String(value.dropFirst("sqlite:".count))
            if rest.hasPrefix("//") { rest.removeFirst(2) }
            if rest == ":memory:" {
                self = .sqliteMemory
                return
            }
            guard !rest.isEmpty else { throw LedgerError.unsupportedURL(value) }
            self = .sqliteFile(path: Self.expandingTilde(rest))
            return
        }
        if lowercased.hasPrefix("postgres://") || lowercased.hasPrefix("postgresql://") {
            self = .postgres(try PostgresURL(parsing: value))
            return
        }
        guard !value.isEmpty, Self.scheme(of: value) == nil else {
            throw LedgerError.unsupportedURL(Self.redacted(value))
        }
        self = .sqliteFile(path: Self.expandingTilde(value))
    }

    /// Opens (creating when missing) the ledger at a `--state` value.
    public static func open(_ location: String) throws -> any LedgerStore {
        try LedgerLocation(parsing: location).open()
    }

    /// Opens the ledger at a `--state` value only if it already exists, for
    /// read-only commands (`validate`) that must not create a ledger just to
    /// look at it; nil when there is none.
    public static func openIfExists(_ location: String) throws -> (any LedgerStore)? {
        try LedgerLocation(parsing: location).openIfExists()
    }

    /// Opens the ledger, creating a missing SQLite file and its directory.
    /// PostgreSQL is opened through SeatPostgres (``LedgerError/notAvailable(_:)`` here).
    public func open(lock: LockSettings = .standard) throws -> any LedgerStore {
        switch self {
        case .sqliteFile(let path): return try SQLiteLedgerStore(path: path, lock: lock)
        case .sqliteMemory: return try SQLiteLedgerStore.inMemory(lock: lock)
        case .postgres(let url): throw LedgerError.notAvailable(url.description)
        }
    }

    /// Opens the ledger if it exists; nil for a missing file and always for
    /// memory (a ledger in memory never exists before it is opened).
    public func openIfExists(lock: LockSettings = .standard) throws -> (any LedgerStore)? {
        switch self {
        case .sqliteFile(let path): return LedgerFile.exists(path) ? try SQLiteLedgerStore(path: path, lock: lock) : nil
        case .sqliteMemory: return nil
        case .postgres(let url): throw LedgerError.notAvailable(url.description)
        }
    }

    /// Whether a ledger is there already; never creates anything.
    public var exists: Bool {
        switch self {
        case .sqliteFile(let path): return LedgerFile.exists(path)
        case .sqliteMemory, .postgres: return false
        }
    }

    /// `sqlite:PATH`, `sqlite::memory:` or the PostgreSQL URL without its password.
    public var description: String {
        switch self {
        case .sqliteFile(let path): return "sqlite:\(path)"
        case .sqliteMemory: return "sqlite::memory:"
        case .postgres(let url): return url.description
        }
    }

    /// The URL scheme `value` starts with, if any.
    static func scheme(of value: String) -> String? {
        guard let colon = value.firstIndex(of: ":") else { return nil }
        let candidate = value[..<colon]
        guard candidate.count >= 2, let first = candidate.first, first.isASCII, first.isLetter,
              candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return String(candidate)
    }

    /// `value` without the password in its user info and without its query
    /// or fragment, which may hold credentials. Errs on the side of hiding:
    /// everything up to the last `@` is user info (a password may hold `/`,
    /// `#`, `?` or `@` that were not percent-encoded), and of it only the
    /// user name before the first `:` is kept, when it looks like one.
    static func redacted(_ value: String) -> String {
        guard let separator = value.range(of: "://") else { return value }
        var rest = value[separator.upperBound...]
        var userInfo = ""
        if let at = rest.lastIndex(of: "@") {
            let user = rest[..<at].prefix { $0 != ":" }
            let isPlainUser = user.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~%".contains($0)) }
            if !isPlainUser {
                // Not a user name: a query or a path holding "@"; hide it all.
                userInfo = "***@"
            } else {
                userInfo = user + (user.count < rest.distance(from: rest.startIndex, to: at) ? ":***@" : "@")
            }
            rest = rest[rest.index(after: at)...]
        }
        var suffix = ""
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            rest = rest[..<query]
            suffix = "?…"
        }
        return value[..<separator.upperBound] + userInfo + rest + suffix
    }

    private static func expandingTilde(_ path: String) -> String {
        path.hasPrefix("~") ? (path as NSString).expandingTildeInPath : path
    }
}
