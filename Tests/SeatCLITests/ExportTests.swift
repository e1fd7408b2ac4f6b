import Foundation
import SeatConfig
import SeatCore
import SeatStore
import SeatTestSupport
import Testing
@testable import SeatCLI

/// `seatctl export`: the exported file plans to no changes against the
/// ledger it came from, for the examples, after portal operations, and for
/// ledgers built by random portal operations.
@Suite struct ExportTests {
    static let now = "2026-11-22T09:00:00Z"

    /// Exports `account`, then plans the export: no changes, exit 0 with
    /// --detailed-exitcode. Returns the exported text.
    @discardableResult
    static func exportPlansToNoChanges(_ seatctl: SeatctlRunner, account: String) throws -> String {
        let export = try seatctl.run(["export", "--account", account, "--out", "exported.yaml", "--now", now])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr == "Wrote the desired state of account \(account) to exported.yaml.\n")
        let plan = try seatctl.run(["plan", "exported.yaml", "--detailed-exitcode", "--now", now])
        let exported = try seatctl.read("exported.yaml")
        #expect(plan.status == 0, "\(plan.stdout)\n\(plan.stderr)\n\(exported)")
        #expect(plan.stdout.contains("No changes. The ledger matches the desired state."), "\(plan.stdout)")
        let validate = try seatctl.run(["validate", "exported.yaml"])
        #expect(validate.status == 0, "\(validate.stderr)")
        return exported
    }

    @Test(arguments: [("acme/seats.yaml", "acme"), ("solo/seats.yaml", "solo")])
    func exampleExportsPlanToNoChanges(example: String, account: String) throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample(example, to: "seats.yaml")
        let applied = try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now])
        #expect(applied.status == 0, "\(applied.stderr)")
        let first = try Self.exportPlansToNoChanges(seatctl, account: account)
        #expect(first.hasPrefix("# Desired state of account \(account), exported from the ledger by seatctl"))
        // Same ledger, same clock: same bytes, on standard output too.
        let again = try seatctl.run(["export", "--account", account, "--now", Self.now])
        #expect(again.stdout == first)
    }

    @Test func exportAfterPortalOperationsPlansToNoChanges() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        #expect(try seatctl.run(["apply", "seats.yaml", "--auto-approve", "--now", Self.now]).status == 0)
        let operations: [[String]] = [
            ["license", "buy", "--account", "acme", "--plan", "full-suite-monthly", "--count", "3"],
            ["user", "add", "newhire@acme.com", "--account", "acme", "--name", "Zoë \"Z\" O'Neil: ops", "--role", "manager"],
            ["user", "assign", "newhire@acme.com", "--account", "acme", "--plan", "issues-monthly"],
            ["user", "assign", "newhire@acme.com", "--account", "acme", "--plan", "full-suite-monthly"],
            ["user", "unassign", "dan@acme.com", "--account", "acme", "--plan", "project-time-yearly"],
            ["user", "terminate", "erin@acme.com", "--account", "acme"],
        ]
        for arguments in operations {
            let result = try seatctl.run(arguments + ["--now", Self.now])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        let hire = try PortalTests.json(seatctl, ["license", "list", "--user", "newhire@acme.com"])
        let code = try #require((hire["licenses"] as? [[String: Any]])?.first?["code"] as? String)
        #expect(try seatctl.run(["license", "pause", code, "--now", Self.now]).status == 0)

        let exported = try Self.exportPlansToNoChanges(seatctl, account: "acme")
        #expect(exported.contains("  newhire@acme.com:\n    name: \"Zoë \\\"Z\\\" O'Neil: ops\"\n    role: manager\n    plans: [full-suite-monthly, issues-monthly]\n    paused: true\n"),
                "\(exported)")
        #expect(!exported.contains("erin@acme.com"))
    }

    @Test func exportRefusesUnknownAccounts() throws {
        let seatctl = try PortalTests.betaLedger()
        let result = try seatctl.run(["export", "--account", "gamma", "--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stderr.contains("there is no account \"gamma\" in the ledger"))
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [UInt64(1), 7, 2026])
    func randomPortalOperationsExportToNoChanges(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let catalog = try Session.builtInCatalog()
        let store = try SQLiteLedgerStore.inMemory()
        var clock = try #require(Clock.parse(Self.now))
        var codes = SplitMix64(seed: seed &+ 1)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        func engine(_ actor: String) -> ApplyEngine {
            ApplyEngine(actor: actor, now: clock, drawCode: { String((0..<8).map { _ in alphabet.randomElement(using: &codes)! }) },
                        drawLineage: { "lineage-\(seed)" })
        }

        // The account starts from a small file, as accounts do.
        let start = DesiredState(file: "start.yaml", account: Located("rnd"), kind: Located(.enterprise),
                                 plans: [DesiredPlan(id: Located("time-monthly"), licenses: Located(.exact(2)))],
                                 users: [DesiredUser(email: "root@rnd.example", role: Located(.administrator), plans: [Located("time-monthly")])])
        let created = Planner(catalog: catalog).plan(start, against: .empty, now: clock)
        try store.apply(account: "rnd", expectedLineage: nil, expectedSerial: 0) { snapshot, free in
            try engine("test").writes(for: created, on: snapshot, codes: free)
        }

        let plans = ["time-monthly", "issues-monthly", "full-suite-monthly", "projects-monthly", "self-employed-monthly"]
        var applied = 0
        for step in 0..<150 {
            clock += 3_600
            let snapshot = try store.snapshot(account: "rnd")
            let users = snapshot.users.map(\.email)
            let licenses = snapshot.licenses.map(\.code)
            let plan = plans.randomElement(using: &random)!
            let user = Bool.random(using: &random) || users.isEmpty ? "u\(Int.random(in: 0..<12, using: &random))@rnd.example"
                : users.randomElement(using: &random)!
            let operation: PortalOperation
            switch Int.random(in: 0..<8, using: &random) {
            case 0: operation = .buy(plan: plan, count: Int.random(in: 1...3, using: &random))
            case 1: operation = .remove(plan: plan, count: Int.random(in: 1...2, using: &random))
            case 2: operation = .addUser(email: user, name: Bool.random(using: &random) ? "User \(step)" : nil,
                                         role: Role.allCases.randomElement(using: &random)!)
            case 3, 4: operation = .assign(email: user, plan: plan)
            case 5: operation = .unassign(email: user, plan: plan)
            case 6: operation = Bool.random(using: &random) ? .pause(license: licenses.randomElement(using: &random) ?? "AAAAAAAA")
                : .resume(license: licenses.randomElement(using: &random) ?? "AAAAAAAA")
            default: operation = .terminate(email: user, lastWorkDay: nil)
            }
            let portal = PortalPlanner(catalog: catalog).plan(operation, against: snapshot, account: "rnd", now: clock)
            guard portal.hasChanges else { continue }
            let writes = try store.apply(account: "rnd", expectedLineage: snapshot.account?.lineage, expectedSerial: snapshot.account?.serial ?? 0) {
                current, free in try portal.writes(engine: engine("portal:random"), on: current, codes: free)
            }
            #expect(writes.account.serial == (snapshot.account?.serial ?? 0) + 1)
            applied += 1

            if step % 10 == 9 { try Self.expectExportPlansToNoChanges(store: store, catalog: catalog, now: clock, seed: seed, step: step) }
        }
        #expect(applied > 40, "only \(applied) operations applied")
        try Self.expectExportPlansToNoChanges(store: store, catalog: catalog, now: clock, seed: seed, step: 150)
    }

    static func expectExportPlansToNoChanges(store: any LedgerStore, catalog: Catalog, now: Date, seed: UInt64, step: Int) throws {
        let snapshot = try store.snapshot(account: "rnd")
        let (state, _) = try #require(LedgerExport.desiredState(of: snapshot, file: "rnd.yaml", now: now))
        let text = DesiredStateWriter.yaml(state)
        let (loaded, diagnostics) = ConfigLoader.loadDesiredState(Array(text.utf8), file: "rnd.yaml")
        #expect(!diagnostics.hasErrors, "seed \(seed) step \(step): \(diagnostics)\n\(text)")
        let desired = try #require(loaded)
        let changeSet = Planner(catalog: catalog).plan(desired, against: snapshot, now: now)
        #expect(changeSet.changes.isEmpty && changeSet.accountChange == nil && changeSet.errors.isEmpty,
                "seed \(seed) step \(step): \(changeSet.changes) \(changeSet.errors)\n\(text)")
    }
}
