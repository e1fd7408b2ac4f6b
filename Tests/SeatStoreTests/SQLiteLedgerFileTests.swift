import Foundation
import GRDB
import SeatCore
import Testing
@testable import SeatStore

/// What only an on-disk SQLite ledger does: file permissions, refusing
/// files it cannot use without touching them, schema versions, and
/// several processes sharing one file.
@Suite("SQLite ledger file")
struct SQLiteLedgerFileTests {
    @Test func newLedgerAndItsCompanionsAreReadableByTheOwnerOnly() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/nested/State/ledger.sqlite"
            let store = try SQLiteLedgerStore(path: path)
            try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in Sample.creation("acme") }
            #expect(try mode(path) == 0o600)
            for companion in LedgerFile.companions(of: path) {
                #expect(FileManager.default.fileExists(atPath: companion), "\(companion) exists while the ledger is open")
                #expect(try mode(companion) == 0o600, "\(companion)")
            }
            #expect(try store.snapshot(account: "acme") == Sample.snapshot(after: Sample.creation("acme")))
        }
    }

    @Test func ledgerSurvivesReopening() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            try SQLiteLedgerStore(path: path).apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in
                Sample.creation("acme")
            }
            try SQLiteLedgerStore(path: path).importCatalog(Sample.catalog, actor: "admin", at: Sample.t0)
            let store = try SQLiteLedgerStore(path: path)
            #expect(try store.snapshot(account: "acme") == Sample.snapshot(after: Sample.creation("acme")))
            #expect(try store.catalog() == Sample.catalog)
            #expect(try store.journal(account: nil, since: nil).count == 5)
        }
    }

    @Test func anEmptyFileBecomesANewLedger() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            let store = try SQLiteLedgerStore(path: path)
            #expect(try store.accountIDs() == [])
        }
    }

    /// What another process leaves for an instant while it creates a ledger:
    /// GRDB's empty bookkeeping table, before "v1" runs.
    @Test func ledgerBeingCreatedElsewhereIsFinishedNotRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            try DatabaseQueue(path: path).write { db in
                try db.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            }
            let store = try SQLiteLedgerStore(path: path)
            #expect(try store.accountIDs() == [])
        }
    }

    @Test func directoryIsUnusable() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            let error = #expect(throws: LedgerError.self) { try SQLiteLedgerStore(path: path) }
            #expect(error == .unusable(path: path, reason: "it is a directory, not a ledger file"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: path) == [])
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["ledger.sqlite"])
        }
    }

    @Test func parentThatIsAFileIsUnusable() throws {
        try withTemporaryDirectory { directory in
            let parent = directory + "/State"
            #expect(FileManager.default.createFile(atPath: parent, contents: Data("x".utf8)))
            let error = #expect(throws: LedgerError.self) { try SQLiteLedgerStore(path: parent + "/ledger.sqlite") }
            guard case .unusable(_, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(reason.contains("not a directory"), "\(reason)")
        }
    }

    @Test(arguments: [
        ("text", Data(String(repeating: "not a ledger, just notes\n", count: 400).utf8)),
        ("short", Data("SQLite".utf8)),
        ("bad magic", Data(repeating: 0x53, count: 8192)),
        ("bad page size", sqliteHeader(pageSize: 1000, pageCount: 1, fileBytes: 4000)),
    ])
    func garbageFileIsUnusableAndLeftAsItWas(name: String, bytes: Data) throws {
        try withTemporaryDirectory { (directory) throws in
            let path = directory + "/ledger.sqlite"
            #expect(FileManager.default.createFile(atPath: path, contents: bytes))
            let error = #expect(throws: LedgerError.self) { try SQLiteLedgerStore(path: path) }
            guard case .unusable(let reportedPath, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(reportedPath == path)
            #expect(!reason.isEmpty)
            #expect(FileManager.default.contents(atPath: path) == bytes)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["ledger.sqlite"])
        }
    }

    /// A valid ledger cut short (a full disk, a bad copy) is refused, not
    /// opened and "repaired".
    @Test(arguments: [TruncateTo.half, .allButOnePage, .notAWholePage, .firstPage, .headerOnly])
    func truncatedLedgerIsUnusableAndLeftAsItWas(cut: TruncateTo) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            try makeSizeableLedger(at: path)
            let whole = try #require(FileManager.default.contents(atPath: path))
            #expect(whole.count >= 20 * 4096, "the ledger spans many pages")
            let truncated = whole.prefix(cut.length(of: whole.count))
            try truncated.write(to: URL(fileURLWithPath: path))

            let error = #expect(throws: LedgerError.self) {
                let store = try SQLiteLedgerStore(path: path)
                _ = try store.snapshot(account: "acme")
            }
            guard case .unusable(let reportedPath, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(reportedPath == path)
            #expect(reason.contains("truncated"), "\(reason)")
            #expect(FileManager.default.contents(atPath: path) == truncated)
        }
    }

    /// Damage inside the file that the header cannot show surfaces as
    /// ``LedgerError/unusable(path:reason:)`` when it is read; nothing is rewritten.
    @Test func corruptedPagesAreReportedAsUnusable() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            try makeSizeableLedger(at: path)
            var bytes = try #require(FileManager.default.contents(atPath: path))
            // Keep page 1 (the header and the schema), scramble everything after.
            for index in 4096..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ 7) }
            try bytes.write(to: URL(fileURLWithPath: path))

            let error = #expect(throws: LedgerError.self) {
                let store = try SQLiteLedgerStore(path: path)
                _ = try store.snapshot(account: "acme")
            }
            guard case .unusable(let reportedPath, _)? = error else { Issue.record("\(String(describing: error))"); return }
            #expect(reportedPath == path)
            #expect(FileManager.default.contents(atPath: path) == bytes)
        }
    }

    @Test func sqliteDatabaseOfAnotherProgramIsUnusable() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            try DatabaseQueue(path: path).write { db in
                try db.execute(sql: "CREATE TABLE players (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO players (name) VALUES ('x')")
            }
            let bytes = try #require(FileManager.default.contents(atPath: path))
            let error = #expect(throws: LedgerError.self) { try SQLiteLedgerStore(path: path) }
            #expect(error == .unusable(path: path, reason: "it is a SQLite database of another program, not a seatctl ledger"))
            #expect(FileManager.default.contents(atPath: path) == bytes)
        }
    }

    @Test(arguments: [NewerSchema.unknownMigration, .userVersion])
    func ledgerOfANewerSeatctlIsRefused(newer: NewerSchema) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            try SQLiteLedgerStore(path: path).apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in
                Sample.creation("acme")
            }
            let next = LedgerSchema.version + 1
            try DatabaseQueue(path: path).write { db in
                switch newer {
                case .unknownMigration: try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v\(next)')")
                case .userVersion: try db.execute(sql: "PRAGMA user_version = \(next)")
                }
            }
            let bytes = try #require(FileManager.default.contents(atPath: path))
            #expect(throws: LedgerError.newerSchema(path: path, found: "v\(next)", supported: LedgerSchema.name(LedgerSchema.version))) {
                try SQLiteLedgerStore(path: path)
            }
            #expect(FileManager.default.contents(atPath: path) == bytes)
        }
    }

    @Test func storesOpeningANewFileAtOnceAllSucceed() throws {
        try withTemporaryDirectory { (directory) throws in
            for round in 1...5 {
                let path = directory + "/State\(round)/ledger.sqlite"
                let outcomes = Outcomes()
                DispatchQueue.concurrentPerform(iterations: 4) { _ in
                    outcomes.record { try SQLiteLedgerStore(path: path).accountIDs() }
                }
                #expect(outcomes.failures == [])
                #expect(outcomes.successes == 4)
                #expect(try mode(path) == 0o600)
            }
        }
    }

    /// Two processes (here two stores, each with its own connections) that
    /// apply to the same account at once: the second waits for the first's
    /// lock, then finds the serial moved on.
    @Test func concurrentAppliesSerialize() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ledger.sqlite"
            // Each waits up to 5 s for the other's account lock.
            let waiting = LockSettings(actor: "ci:test", operation: "apply", timeout: 5)
            let stores = [try SQLiteLedgerStore(path: path, lock: waiting), try SQLiteLedgerStore(path: path, lock: waiting)]

            let creations = Outcomes()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                creations.record {
                    try stores[index].apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in
                        Thread.sleep(forTimeInterval: 0.2)  // hold the write lock while the other waits
                        return Sample.creation("acme")
                    }
                }
            }
            #expect(creations.successes == 1)
            #expect(creations.failures == [.stale(account: "acme", expectedLineage: nil, expectedSerial: 0,
                                                  foundLineage: "lineage-acme", foundSerial: 1)])

            // Each store bumps its own account many times while the other does the same.
            let bumps = Outcomes()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let id = ["acme", "beta"][index]
                bumps.record {
                    if id == "beta" {
                        try stores[index].apply(account: id, expectedLineage: nil, expectedSerial: 0) { _, _ in
                            Sample.creation(id, codePrefix: "B")
                        }
                    }
                    for serial in 1...20 {
                        try stores[index].apply(account: id, expectedLineage: "lineage-\(id)", expectedSerial: serial) { _, isCodeFree in
                            _ = try isCodeFree("A0000001")
                            return LedgerWrites(account: Sample.account(id, serial: serial + 1), isNewAccount: false,
                                                journal: [Sample.entry(id, "buy", "plan", serial: serial + 1)])
                        }
                    }
                }
            }
            #expect(bumps.failures == [])
            #expect(try stores[0].snapshot(account: "beta").account?.serial == 21)
            #expect(try stores[1].snapshot(account: "acme").account?.serial == 21)
            #expect(try stores[0].journal(account: nil, since: nil).count == 4 + 20 + 4 + 20)
        }
    }
}

enum TruncateTo: String, CustomTestStringConvertible, Sendable {
    case half, allButOnePage, notAWholePage, firstPage, headerOnly

    var testDescription: String { rawValue }

    func length(of size: Int) -> Int {
        switch self {
        case .half: return size / 2 / 4096 * 4096
        case .allButOnePage: return size - 4096
        case .notAWholePage: return size - 1000
        case .firstPage: return 4096
        case .headerOnly: return 60
        }
    }
}

enum NewerSchema: String, CustomTestStringConvertible, Sendable {
    case unknownMigration, userVersion

    var testDescription: String { rawValue }
}

/// A ledger of many pages, closed (so its WAL is checkpointed into it).
func makeSizeableLedger(at path: String) throws {
    let store = try SQLiteLedgerStore(path: path)
    var writes = Sample.creation("acme")
    writes.licenses += (0..<2000).map { n in
        License(code: "X" + String(1_000_000 + n), plan: "full-suite-monthly", createdAt: Sample.at(Double(n)), sequence: Int64(100 + n))
    }
    try store.apply(account: "acme", expectedLineage: nil, expectedSerial: 0) { _, _ in writes }
}

/// The first 100 bytes of a SQLite file, padded with zeros to `fileBytes`.
func sqliteHeader(pageSize: Int, pageCount: Int, fileBytes: Int) -> Data {
    var bytes = [UInt8](repeating: 0, count: fileBytes)
    bytes.replaceSubrange(0..<16, with: Array("SQLite format 3\0".utf8))
    bytes[16] = UInt8(pageSize >> 8 & 0xFF)
    bytes[17] = UInt8(pageSize & 0xFF)
    bytes[31] = UInt8(pageCount & 0xFF)
    return Data(bytes)
}

func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

/// Collects what concurrent calls returned or threw.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var successes = 0
    private(set) var failures: [LedgerError] = []

    func record(_ body: () throws -> some Any) {
        do {
            _ = try body()
            lock.withLock { successes += 1 }
        } catch let error as LedgerError {
            lock.withLock { failures.append(error) }
        } catch {
            lock.withLock { failures.append(.database("unexpected \(error)")) }
        }
    }
}
