import Foundation
import SeatCore
import Testing
@testable import SeatStore

@Suite("LedgerLocation")
struct LedgerLocationTests {
    @Test(arguments: [
        ("State/ledger.sqlite", LedgerLocation.sqliteFile(path: "State/ledger.sqlite")),
        ("/var/lib/seatctl/ledger.sqlite", .sqliteFile(path: "/var/lib/seatctl/ledger.sqlite")),
        ("./a:b.sqlite", .sqliteFile(path: "./a:b.sqlite")),
        ("sqlite:State/ledger.sqlite", .sqliteFile(path: "State/ledger.sqlite")),
        ("sqlite:/tmp/x.sqlite", .sqliteFile(path: "/tmp/x.sqlite")),
        ("sqlite:///tmp/x.sqlite", .sqliteFile(path: "/tmp/x.sqlite")),
        ("SQLite:ledger.db", .sqliteFile(path: "ledger.db")),
        ("sqlite::memory:", .sqliteMemory),
        (":memory:", .sqliteMemory),
    ])
    func parsesStoresItKnows(value: String, expected: LedgerLocation) throws {
        #expect(try LedgerLocation(parsing: value) == expected)
    }

    @Test func expandsTheHomeDirectory() throws {
        let home = NSString(string: "~").expandingTildeInPath
        #expect(try LedgerLocation(parsing: "~/ledger.sqlite") == .sqliteFile(path: home + "/ledger.sqlite"))
        #expect(try LedgerLocation(parsing: "sqlite:~/ledger.sqlite") == .sqliteFile(path: home + "/ledger.sqlite"))
    }

    @Test(arguments: [
        ("postgres://seatctl@db.internal/seats", "postgres://seatctl@db.internal:5432/seats"),
        ("postgresql://ci:s%40cret@db.internal:6543/seats?sslmode=disable", "postgres://ci:***@db.internal:6543/seats?sslmode=disable"),
        ("POSTGRES://u@[::1]/seats?schema=ledger_2&sslmode=verify-full", "postgres://u@[::1]:5432/seats?sslmode=verify-full&schema=ledger_2"),
    ])
    func parsesPostgresURLs(value: String, shown: String) throws {
        let location = try LedgerLocation(parsing: value)
        guard case .postgres(let url) = location else { Issue.record("\(location)"); return }
        #expect(location.description == shown)
        #expect(try PostgresURL(parsing: shown.replacingOccurrences(of: ":***@", with: ":x@")).host == url.host)
        if value.contains("s%40cret") { #expect(url.password == "s@cret" && url.user == "ci" && url.port == 6543) }
    }

    @Test(arguments: [
        ("postgres://db.internal/seats", "the user name is missing"),
        ("postgres://u@db.internal", "the database name is missing"),
        ("postgres://u@db.internal:99999/seats", "the port must be a number from 1 to 65535"),
        ("postgres://u@/seats", "the host is missing"),
        ("postgres://u@db/seats?sslmode=maybe", "sslmode must be one of disable, prefer, require, verify-full"),
        ("postgres://u@db/seats?schema=Bad-Name", "schema must be 1 to 63 lower-case letters"),
        ("postgres://u@db/seats?application=x", "unknown parameter \"application\""),
    ])
    func malformedPostgresURLsSayWhatIsWrong(value: String, problem: String) throws {
        let error = #expect(throws: LedgerError.self) { try LedgerLocation(parsing: value) }
        #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
    }

    @Test func postgresPasswordsAndQueriesAreNeverRepeated() throws {
        for value in ["postgres://seatctl:hunter2@db.internal/seats?sslpassword=swordfish",
                      "postgres://seatctl:hunter2@db.internal:x/seats"] {
            let error = #expect(throws: LedgerError.self) { try LedgerLocation(parsing: value) }
            let message = error?.description ?? ""
            #expect(message.contains("postgres://seatctl:***@db.internal"), "\(message)")
            #expect(!message.contains("hunter2"))
            #expect(!message.contains("swordfish"))
        }
        let location = try LedgerLocation(parsing: "postgres://seatctl:hunter2@db.internal/seats")
        #expect(location.description == "postgres://seatctl:***@db.internal:5432/seats")
        #expect(throws: LedgerError.notAvailable("postgres://seatctl:***@db.internal:5432/seats")) { try location.open() }
    }

    @Test(arguments: ["mysql://db/seats", "file:///tmp/ledger.sqlite", "s3:bucket/ledger", "", "sqlite:"])
    func otherSchemesAreUnsupported(value: String) throws {
        #expect(throws: LedgerError.unsupportedURL(value)) { try LedgerLocation(parsing: value) }
    }

    @Test func openIfExistsNeverCreatesALedger() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/State/ledger.sqlite"
            #expect(try LedgerLocation.openIfExists(path) == nil)
            #expect(try LedgerLocation.openIfExists("sqlite:" + path) == nil)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [])
            #expect(try !LedgerLocation(parsing: path).exists)

            try LedgerLocation.open(path).importCatalog(Sample.catalog, actor: "admin", at: Sample.t0)
            #expect(try LedgerLocation(parsing: path).exists)
            let store = try #require(try LedgerLocation.openIfExists("sqlite:" + path))
            #expect(try store.catalog() == Sample.catalog)
        }
    }

    @Test func memoryLedgersAreNewEachTime() throws {
        #expect(try LedgerLocation.openIfExists("sqlite::memory:") == nil)
        let first = try LedgerLocation.open("sqlite::memory:")
        try first.importCatalog(Sample.catalog, actor: "admin", at: Sample.t0)
        #expect(try LedgerLocation.open("sqlite::memory:").catalog() == nil)
    }

    @Test func openReportsAnUnusablePath() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: LedgerError.unusable(path: directory, reason: "it is a directory, not a ledger file")) {
                try LedgerLocation.open(directory)
            }
            #expect(throws: LedgerError.unusable(path: directory, reason: "it is a directory, not a ledger file")) {
                try LedgerLocation.openIfExists("sqlite:" + directory)
            }
        }
    }
}
