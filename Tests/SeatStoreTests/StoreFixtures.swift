import Foundation
import SeatCore
import SeatPostgres
import Testing
@testable import SeatStore

/// Every store the contract suite runs against. PostgreSQL is part of
/// ``allCases`` when a test server is configured, and always under CI
/// (where a missing server fails the run; see ``PostgresTestDatabase``).
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqliteMemory = "SQLite in memory"
    case sqliteFile = "SQLite on disk"
    case postgres = "PostgreSQL"

    static var allCases: [StoreKind] {
        [.sqliteMemory, .sqliteFile] + (PostgresTestDatabase.runs ? [.postgres] : [])
    }

    /// The stores two processes can share (not SQLite in memory).
    static var shared: [StoreKind] { allCases.filter { $0 != .sqliteMemory } }

    var testDescription: String { rawValue }

    /// Runs `body` with a new, empty store, then removes whatever it left.
    func withStore<T>(lock: LockSettings = .standard, _ body: (any LedgerStore) throws -> T) throws -> T {
        switch self {
        case .sqliteMemory:
            return try body(SQLiteLedgerStore.inMemory(lock: lock))
        case .sqliteFile, .postgres:
            return try withSharedStore { open in try body(open(lock)) }
        }
    }

    /// Runs `body` with a function that opens one new, empty ledger (a file
    /// or a PostgreSQL schema) as many times as asked, each store with its
    /// own connection, as separate processes would; removes it afterwards.
    func withSharedStore<T>(_ body: (_ open: (LockSettings) throws -> any LedgerStore) throws -> T) throws -> T {
        switch self {
        case .sqliteMemory:
            throw LedgerError.database("a SQLite ledger in memory cannot be shared")
        case .sqliteFile:
            return try withTemporaryDirectory { directory in
                try body { lock in try SQLiteLedgerStore(path: directory + "/State/ledger.sqlite", lock: lock) }
            }
        case .postgres:
            return try PostgresTestDatabase.withSchema { url in
                try body { lock in try PostgresLedgerStore(url: url, lock: lock) }
            }
        }
    }
}

/// Runs `body` with a new empty directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("seatstore-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try body(directory)
}

/// What a test compares to prove "nothing changed".
struct LedgerState: Equatable {
    var snapshots: [String: LedgerSnapshot]
    var journal: [JournalEntry]
    var accountIDs: [String]
    var catalog: Catalog?

    init(_ store: any LedgerStore, accounts: [String]) throws {
        snapshots = try Dictionary(uniqueKeysWithValues: accounts.map { ($0, try store.snapshot(account: $0)) })
        journal = try store.journal(account: nil, since: nil)
        accountIDs = try store.accountIDs()
        catalog = try store.catalog()
    }
}

struct Boom: Error, Equatable {}

/// Builders for hand-made writes (the real ApplyEngine lives in SeatCore).
enum Sample {
    /// Whole seconds, as the CLI's clocks are in tests.
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    static func account(_ id: String, serial: Int = 1, name: String? = nil, createdAt: Date = t0) -> LedgerAccount {
        LedgerAccount(
            id: id, kind: .enterprise, name: name, timezone: "Europe/London", lineage: "lineage-\(id)",
            serial: serial, createdAt: createdAt)
    }

    static func entry(_ account: String, _ action: String, _ subject: String, at: Date = t0, serial: Int = 1,
                      from: String? = nil, to: String? = nil) -> JournalEntry {
        JournalEntry(at: at, account: account, actor: "ci:alice", action: action, subject: subject, from: from, to: to, serial: serial)
    }

    /// A new account exercising every field: optional values set and not,
    /// every status, licenses created at one instant told apart by sequence.
    static func creation(_ id: String, codePrefix: String = "A") -> LedgerWrites {
        let code = { (n: Int) in codePrefix + String(repeating: "0", count: 7 - String(n).count) + String(n) }
        var account = account(id, name: "\(id.capitalized) Ltd")
        account.kind = id.hasPrefix("solo") ? .selfEmployed : .enterprise
        let users = [
            LedgerUser(email: "zed@\(id).example", name: nil, role: .user, isExternal: true),
            LedgerUser(email: "Alice@\(id).example", name: "Alice Example", role: .administrator),
            LedgerUser(email: "bob@\(id).example", name: "Bob", role: .manager, status: .terminated),
        ]
        let licenses = [
            License(code: code(3), plan: "full-suite-monthly", status: .active, createdAt: at(0),
                    activatedAt: at(0.25), endDate: nil, assignedTo: "alice@\(id).example", sequence: 3),
            License(code: code(1), plan: "full-suite-monthly", status: .paused, createdAt: at(0),
                    activatedAt: nil, endDate: Day(year: 2027, month: 2, day: 28), sequence: 1),
            License(code: code(2), plan: "project-time-yearly", status: .expired, createdAt: at(0),
                    activatedAt: at(1), endDate: Day(year: 2026, month: 12, day: 31), assignedTo: "bob@\(id).example", sequence: 2),
            License(code: code(4), plan: "field-contracted", status: .removed, createdAt: at(-86_400),
                    activatedAt: at(-86_000), endDate: Day(year: 2031, month: 1, day: 1), sequence: 9),
        ]
        return LedgerWrites(
            account: account, isNewAccount: true, users: users, licenses: licenses,
            contractStarts: ["field-contracted": Day(year: 2026, month: 5, day: 31), "other-contracted": Day(year: 2026, month: 1, day: 1)],
            deferrals: [RecordedDeferral(plan: "field-contracted", until: Day(year: 2027, month: 5, day: 31)),
                        RecordedDeferral(plan: "another", until: Day(year: 2026, month: 7, day: 1))],
            journal: [
                entry(id, "create_account", id),
                entry(id, "add_user", "alice@\(id).example", to: "administrator"),
                entry(id, "buy", "full-suite-monthly", from: "0", to: "2"),
                entry(id, "assign", "alice@\(id).example", to: "full-suite-monthly"),
            ])
    }

    /// What a snapshot of the account `writes` created must read back as.
    static func snapshot(after writes: LedgerWrites) -> LedgerSnapshot {
        LedgerSnapshot(
            account: writes.account,
            users: writes.users.sorted { $0.email < $1.email },
            licenses: writes.licenses.sorted(by: License.olderFirst),
            contractStarts: writes.contractStarts,
            deferrals: writes.deferrals)
    }

    static let catalog = Catalog(currency: "USD", plans: [
        CatalogPlan(id: "full-suite-monthly", name: "Full Project Management Suite",
                    products: ["projects", "time", "attendance", "expenses", "issues"], billing: .monthly,
                    commitment: .flexible, price: Money(minorUnits: 4500, currency: "USD"), storagePerLicenseGB: 20,
                    offeredTo: [.enterprise], minLicenses: 0, maxLicenses: 100_000),
        CatalogPlan(id: "field-contracted", name: "Field \"Crew\" / Contracted", products: ["field"], billing: .yearly,
                    commitment: .contracted, contractMonths: 12, price: Money(minorUnits: 120_000, currency: "USD"),
                    offeredTo: [.enterprise, .selfEmployed], minLicenses: 5, maxLicenses: 50),
    ])

    static let otherCatalog = Catalog(currency: "JPY", plans: [
        CatalogPlan(id: "invoicing-daily", name: "Invoicing", products: ["invoices"], billing: .daily,
                    commitment: .flexible, price: Money(minorUnits: 90, currency: "JPY"), offeredTo: [.selfEmployed]),
    ])
}
