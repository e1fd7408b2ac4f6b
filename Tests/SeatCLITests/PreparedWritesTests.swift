import Foundation
import SeatCore
import SeatStore
import Testing
@testable import SeatCLI

/// `apply FILE` prices its plan with the engine that applies it and keeps
/// the rows: the transaction persists them when the ledger is exactly as
/// planned against, and works them out again when it is not.
@Suite struct PreparedWritesTests {
    static let now = "2026-11-22T09:00:00Z"

    let catalog: Catalog
    let store: SQLiteLedgerStore
    let session: Session

    init() throws {
        let ledger = try CatalogLedger(now: Self.now)
        (catalog, store, session) = (ledger.catalog, ledger.store, ledger.session)
    }

    static func desired(licenses: Int) -> DesiredState {
        DesiredState(file: "seats.yaml", account: Located("acme"), kind: Located(.enterprise),
                     plans: [DesiredPlan(id: Located("full-suite-monthly"), licenses: Located(.exact(licenses)))],
                     users: [DesiredUser(email: "root@acme.com", role: Located(.administrator), plans: [Located("full-suite-monthly")])])
    }

    /// Plans `licenses` as `apply FILE` does: priced by the applying engine.
    func plan(licenses: Int) throws -> (ChangeSet, PreparedWrites) {
        let snapshot = try store.snapshot(account: "acme")
        let engine = Applying.engine(actor: "ci", catalog: catalog, session: session)
        let (set, writes) = Planner(catalog: catalog).plan(Self.desired(licenses: licenses), against: snapshot,
                                                           now: session.now, pricedBy: engine)
        return (set, PreparedWrites(snapshot: snapshot, writes: try #require(writes)))
    }

    @Test func anUnchangedLedgerGetsThePlannedRows() throws {
        let (set, prepared) = try plan(licenses: 3)
        let written = try Applying.run(set, catalog: catalog, store: store, session: session, actor: "ci", prepared: prepared)
        // The license codes are random: equal rows are the planned rows.
        #expect(written == prepared.writes)
        #expect(written.boughtCodes.count == 3)
        #expect(try store.snapshot(account: "acme") == prepared.snapshot.applying(prepared.writes))
    }

    @Test func aLedgerChangedWithoutItsSerialGetsRowsWorkedOutAgain() throws {
        let (first, firstPrepared) = try plan(licenses: 1)
        try Applying.run(first, catalog: catalog, store: store, session: session, actor: "ci", prepared: firstPrepared)
        let (set, prepared) = try plan(licenses: 3)
        // Recording usage changes the account's billing but not its serial.
        try store.recordUsage(account: "acme", gigabytes: 1, actor: "t", at: session.now)
        let current = try store.snapshot(account: "acme")
        #expect(current.account?.serial == prepared.snapshot.account?.serial && current != prepared.snapshot)
        let written = try Applying.run(set, catalog: catalog, store: store, session: session, actor: "ci", prepared: prepared)
        #expect(written.boughtCodes.count == 2)
        #expect(Set(written.boughtCodes).isDisjoint(with: prepared.writes.boughtCodes))
        #expect(try store.snapshot(account: "acme") == current.applying(written))
    }

    @Test func anotherProcessWritingBetweenPlanAndApplyIsSeen() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prepared-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/ledger.sqlite"
        let planner = try SQLiteLedgerStore(path: path)
        let other = try SQLiteLedgerStore(path: path)
        try planner.importCatalog(catalog, actor: "t", at: session.now)
        let engine = Applying.engine(actor: "ci", catalog: catalog, session: session)
        func plan(licenses: Int) throws -> (ChangeSet, PreparedWrites) {
            let snapshot = try planner.snapshot(account: "acme")
            let (set, writes) = Planner(catalog: catalog).plan(Self.desired(licenses: licenses), against: snapshot,
                                                               now: session.now, pricedBy: engine)
            return (set, PreparedWrites(snapshot: snapshot, writes: try #require(writes)))
        }
        let (first, firstPrepared) = try plan(licenses: 1)
        #expect(try Applying.run(first, catalog: catalog, store: planner, session: session, actor: "ci", prepared: firstPrepared)
                == firstPrepared.writes)
        let (set, prepared) = try plan(licenses: 3)
        // Another connection (another seatctl) records usage: no serial moves,
        // but the store must not apply on the snapshot it read before.
        try other.recordUsage(account: "acme", gigabytes: 1, actor: "t", at: session.now)
        let written = try Applying.run(set, catalog: catalog, store: planner, session: session, actor: "ci", prepared: prepared)
        #expect(Set(written.boughtCodes).isDisjoint(with: prepared.writes.boughtCodes))
        #expect(try other.snapshot(account: "acme").billing?.usageGB == 1)
        #expect(try planner.snapshot(account: "acme").licenses.count == 3)
    }

    @Test func plannedRowsDoNotFitWhenTheLedgerOrACodeMoved() throws {
        let (_, prepared) = try plan(licenses: 2)
        let free = LicenseCodeCheck { _ in [] }
        #expect(try prepared.fits(prepared.snapshot, codes: free))
        // Another account took one of the codes drawn for this apply.
        let code = try #require(prepared.writes.boughtCodes.last)
        #expect(try !prepared.fits(prepared.snapshot, codes: LicenseCodeCheck { Set($0).intersection([code]) }))
        var moved = prepared.snapshot
        moved.deferrals.append(RecordedDeferral(plan: "full-suite-monthly", until: Day(year: 2027, month: 1, day: 1)))
        #expect(try !prepared.fits(moved, codes: free))
    }
}
