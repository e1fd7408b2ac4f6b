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
        "postgres://seatctl@db.internal/seats",
        "postgresql://db.internal:5432/seats",
        "POSTGRES://db/seats",
    ])
    func postgresIsNotInThisBuildYet(value: String) throws {
        let error = #expect(throws: LedgerError.self) { try LedgerLocation(parsing: value) }
        guard case .notAvailable(let url)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(url == value)
        #expect(error!.description.contains("PostgreSQL ledgers (\(value)) are not available in this build"), "\(error!.description)")
    }

    @Test func postgresPasswordsAndQueriesAreNeverRepeated() throws {
        let error = #expect(throws: LedgerError.self) {
            try LedgerLocation(parsing: "postgres://seatctl:hunter2@db.internal/seats?sslpassword=swordfish")
        }
        guard case .notAvailable(let message)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(message.hasPrefix("postgres://seatctl:***@db.internal/seats?…"))
        #expect(!message.contains("hunter2"))
        #expect(!message.contains("swordfish"))
        #expect(!(error?.description.contains("hunter2") ?? true))
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
