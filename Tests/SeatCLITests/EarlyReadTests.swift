import Foundation
import SeatTestSupport
import SeatCore
import SeatStore
import Testing
@testable import SeatCLI

/// `plan` and `apply` read the ledger on a second thread while the file
/// loads, for the account the file's first lines name. Whatever the file's
/// shape, the plan must be made against the account the loaded file names.
@Suite struct EarlyReadTests {
    static let now = "2026-11-22T09:00:00Z"
    let store: SQLiteLedgerStore
    let session: Session
    let scratch: ScratchDirectory
    var directory: URL { scratch.url }

    init() throws {
        let ledger = try CatalogLedger(now: Self.now)
        (store, session) = (ledger.store, ledger.session)
        scratch = try ScratchDirectory(prefix: "early")
        // Two accounts, so that reading the wrong one would show.
        for (account, licenses) in [("alpha", 2), ("beta", 3)] {
            let planning = try plan(Self.file(account: account, licenses: licenses))
            try Applying.run(planning.changeSet, catalog: planning.catalog, store: store, session: session, actor: "t",
                             prepared: planning.prepared)
        }
    }

    static func file(account: String, licenses: Int, accountLast: Bool = false, anchored: Bool = false) -> String {
        let head = accountLast ? "" : "account: \(account)\n"
        let tail = accountLast ? "account: \(account)\n" : ""
        let plan = anchored ? "&p full-suite-monthly" : "full-suite-monthly"
        return head + """
            kind: enterprise
            plans:
              full-suite-monthly: {licenses: \(licenses)}
            users:
              root@\(account).example: {role: administrator, plans: [\(plan)]}

            """ + tail
    }

    func plan(_ text: String) throws -> Planning {
        let path = directory.appendingPathComponent("seats-\(UUID().uuidString).yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try Planning(file: path, session: session, store: store, actor: "t")
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func thePlanIsMadeAgainstTheLoadedFilesAccount(accountLast: Bool, anchored: Bool) throws {
        for (account, owned) in [("alpha", 2), ("beta", 3)] {
            let planning = try plan(Self.file(account: account, licenses: 5, accountLast: accountLast, anchored: anchored))
            #expect(planning.snapshot == (try store.snapshot(account: account)))
            #expect(planning.changeSet.changes == [.buy(plan: "full-suite-monthly", count: 5 - owned, from: owned, to: 5)])
        }
    }

    @Test func anAccountTheLedgerLacksIsPlannedAsNew() throws {
        let planning = try plan(Self.file(account: "gamma", licenses: 1))
        #expect(planning.snapshot == .empty)
        #expect(planning.changeSet.accountChange?.isNew == true)
    }

    /// The early read's connection is let go before the command ends, so
    /// SQLite closes it and removes its `-wal` and `-shm` files as it did
    /// with one thread: a plan leaves the ledger's files byte for byte, be
    /// the file good or refused. (Runs several times: it was a race.)
    @Test func aPlanLeavesTheLedgerFilesAsTheyWere() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", Self.file(account: "alpha", licenses: 2))
        try seatctl.write("bad.yaml", Self.file(account: "alpha", licenses: 2).replacingOccurrences(of: "licenses: 2", with: "licenses: 2.5"))
        try #require(try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now]).status == 0)
        let before = try seatctl.stateBytes()
        #expect(before.keys.sorted() == ["ledger.sqlite"])
        for _ in 0..<4 {
            #expect(try seatctl.run(["plan", "seats.yaml", "--now", Self.now]).status == 0)
            #expect(try seatctl.stateBytes() == before)
            #expect(try seatctl.run(["plan", "bad.yaml", "--now", Self.now]).status == 1)
            #expect(try seatctl.stateBytes() == before)
        }
    }

    @Test func backgroundWorkGivesItsValueOrItsError() throws {
        let work = BackgroundWork { Thread.isMainThread ? -1 : 42 }
        #expect(try work.value() == 42)
        work.join()
        #expect(try work.value() == 42)
        // Several threads may wait for one piece of work.
        let shared = BackgroundWork { 7 }
        let readers = (0..<4).map { _ in BackgroundWork { try shared.value() * 2 } }
        #expect(try readers.map { try $0.value() } == [14, 14, 14, 14])
        struct Failure: Error, Equatable {}
        let failing = BackgroundWork<Int> { throw Failure() }
        #expect(throws: Failure()) { try failing.value() }
    }
}
