import Foundation
import Testing

/// `plan --out PLANFILE` and `apply PLANFILE` through the binary.
@Suite struct SavedPlanTests {
    static let day1 = "2026-11-19T09:00:00Z"
    static let now = "2026-11-22T09:00:00Z"
    static let later = "2026-11-22T15:30:00Z"

    /// A ledger with acme applied on day 1, and a file that then asks for
    /// changes: Wen leaves full-suite-monthly, time-monthly grows by 2.
    func acmeWithPendingChanges() throws -> SeatctlRunner {
        let seatctl = try SeatctlRunner.appliedAcme(at: Self.day1)
        let edited = try seatctl.read("seats.yaml")
            .replacingOccurrences(of: "  time-monthly:\n    licenses: 4\n", with: "  time-monthly:\n    licenses: 6\n")
            .replacingOccurrences(of: "    name: Wen Zhao\n    plans: [full-suite-monthly]\n", with: "    name: Wen Zhao\n    plans: []\n")
        try seatctl.write("seats.yaml", edited)
        return seatctl
    }

    func journal(_ seatctl: SeatctlRunner) throws -> [[String: Any]] {
        let history = try seatctl.run(["history", "--account", "acme", "--format", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])
        return try #require(doc["entries"] as? [[String: Any]])
    }

    @Test func planOutThenApplyDoesExactlyThePlannedChanges() throws {
        let seatctl = try acmeWithPendingChanges()
        let plan = try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--format", "json", "--now", Self.now])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stderr.contains("seatctl apply seats.seatplan"))
        let planned = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let changes = try #require(planned["changes"] as? [[String: Any]])
        #expect(changes.map { $0["action"] as? String } == ["unassign", "buy"])
        let serial = try #require((planned["ledger"] as? [String: Any])?["serial"] as? Int)

        // The file is gone: apply cannot plan again, it can only carry out the saved changes.
        try FileManager.default.removeItem(at: seatctl.directory.appendingPathComponent("seats.yaml"))
        let apply = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stderr.contains("which this plan was made from, is not here"))
        #expect(apply.stdout.contains("Apply complete! licenses: 2 bought, 0 removed, 0 assigned, 1 unassigned"))
        #expect(apply.stdout.contains("Ledger serial \(serial + 1)."))

        let written = try journal(seatctl).filter { $0["serial"] as? Int == serial + 1 }
        #expect(written.map { $0["action"] as? String } == ["unassign", "buy"])
        #expect(written.first?["subject"] as? String == "wen@acme.com")
        #expect(written.first?["from"] as? String == "full-suite-monthly (\(changes[0]["license"] as? String ?? "?"))")
        #expect(written.last?["from"] as? String == "4" && written.last?["to"] as? String == "6")
        #expect(written.allSatisfy { $0["at"] as? String == Self.later }, "the journal records when the apply ran")

        // The same saved plan cannot be applied twice.
        let again = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(again.status == 1)
        #expect(again.stderr.contains("Saved plan is stale: the ledger for account acme changed since this plan was created (serial \(serial) expected, \(serial + 1) found). Run seatctl plan again."))
    }

    @Test func aSavedPlanCreatesANewAccountOnce() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "new.seatplan", "--now", Self.now]).status == 0)
        #expect(try seatctl.stateBytes().isEmpty, "planning creates no ledger")
        let apply = try seatctl.run(["apply", "new.seatplan", "--now", Self.later])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(apply.stdout.contains("Ledger serial 1."))
        let again = try seatctl.run(["apply", "new.seatplan", "--now", Self.later])
        #expect(again.status == 1)
        #expect(again.stderr.contains("Saved plan is stale: account acme was created by another operation since this plan was created."))
    }

    @Test func aPlanMadeBeforeAnotherChangeIsStaleAndChangesNothing() throws {
        let seatctl = try acmeWithPendingChanges()
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now]).status == 0)
        // Something else writes to the account: a portal purchase.
        try PortalWrites.buy(1, of: "issues-monthly", in: seatctl, actor: "portal:alice@acme.com", at: "2026-11-22T10:00:00Z")
        let before = try seatctl.stateBytes()
        let apply = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("error: Saved plan is stale: the ledger for account acme changed since this plan was created (serial 1 expected, 2 found). Run seatctl plan again."), "\(apply.stderr)")
        #expect(apply.stdout.isEmpty)
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func aPortalOperationAfterPlanOutMakesTheSavedPlanStale() throws {
        let seatctl = try acmeWithPendingChanges()
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now]).status == 0)
        let buy = try seatctl.run(["license", "buy", "--account", "acme", "--plan", "issues-monthly", "--count", "1",
                                   "--actor", "alice@acme.com", "--now", "2026-11-22T10:00:00Z"])
        #expect(buy.status == 0, "\(buy.stderr)")
        let before = try seatctl.stateBytes()
        let apply = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("error: Saved plan is stale: the ledger for account acme changed since this plan was created (serial 1 expected, 2 found). Run seatctl plan again."), "\(apply.stderr)")
        #expect(try seatctl.stateBytes() == before, "the ledger is unchanged")
        // Planning again shows the portal's purchase as drift, and that plan applies.
        let plan = try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.later])
        #expect(plan.stdout.contains("1 license of issues-monthly bought by portal:alice@acme.com on 2026-11-22"), "\(plan.stdout)")
        #expect(try seatctl.run(["apply", "seats.seatplan", "--now", Self.later]).status == 0)
    }

    @Test func anEditedDesiredFileRefusesThePlan() throws {
        let seatctl = try acmeWithPendingChanges()
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now]).status == 0)
        try seatctl.write("seats.yaml", try seatctl.read("seats.yaml") + "# a late edit\n")
        let before = try seatctl.stateBytes()
        let apply = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("the desired-state file seats.yaml changed since this plan was created"), "\(apply.stderr)")
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func aTamperedOrUnknownPlanIsRefused() throws {
        let seatctl = try acmeWithPendingChanges()
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now]).status == 0)
        let original = try seatctl.read("seats.seatplan")
        #expect(original.contains("\"format\":\"seatctl-saved-plan\""))
        let before = try seatctl.stateBytes()

        // Buying 20 instead of 2: the digest no longer matches.
        let tampered = original.replacingOccurrences(of: "\"to\":6", with: "\"to\":24")
        #expect(tampered != original)
        try seatctl.write("tampered.plan", tampered)
        let edited = try seatctl.run(["apply", "tampered.plan", "--now", Self.later])
        #expect(edited.status == 1)
        #expect(edited.stderr.contains("tampered.plan was modified after seatctl wrote it"), "\(edited.stderr)")

        try seatctl.write("future.plan", original.replacingOccurrences(of: "\"format_version\":1", with: "\"format_version\":9"))
        let future = try seatctl.run(["apply", "future.plan", "--now", Self.later])
        #expect(future.status == 1)
        #expect(future.stderr.contains("format version 9, but this seatctl reads only version 1"), "\(future.stderr)")

        try seatctl.write("cut.plan", String(original.prefix(original.count / 2)))
        let cut = try seatctl.run(["apply", "cut.plan", "--now", Self.later])
        #expect(cut.status == 1)
        #expect(cut.stderr.contains("cut.plan is not a usable saved plan"), "\(cut.stderr)")
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func aPlanIsAppliedOnTheDayItWasMade() throws {
        let seatctl = try acmeWithPendingChanges()
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now]).status == 0)
        let before = try seatctl.stateBytes()
        let tomorrow = try seatctl.run(["apply", "seats.seatplan", "--now", "2026-11-23T09:00:00Z"])
        #expect(tomorrow.status == 1)
        #expect(tomorrow.stderr.contains("Saved plan is stale: it was created on 2026-11-22 and today is 2026-11-23 in Europe/London"), "\(tomorrow.stderr)")
        let earlier = try seatctl.run(["apply", "seats.seatplan", "--now", "2026-11-22T08:00:00Z"])
        #expect(earlier.status == 1 && earlier.stderr.contains("after the apply's clock"))
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func guardsTravelWithTheSavedPlan() throws {
        let seatctl = try acmeWithPendingChanges()
        let strict = try seatctl.read("seats.yaml").replacingOccurrences(of: "maxUnassignments: 25", with: "maxUnassignments: 0")
        try seatctl.write("seats.yaml", strict)
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now]).status == 0)
        let refused = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(refused.status == 1 && refused.stderr.contains("[large_change]"), "\(refused.stderr)")
        let allowed = try seatctl.run(["apply", "seats.seatplan", "--allow-large-change", "--now", Self.later])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test func changedPricesMakeTheSavedPlanStale() throws {
        let seatctl = try acmeWithPendingChanges()
        let plan = try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now])
        #expect(plan.status == 0 && plan.stdout.contains("; charge now "), "\(plan.stdout)")
        let catalog = try String(contentsOf: SeatctlRunner.example("catalog.yaml"), encoding: .utf8)
        let dearer = catalog.replacingOccurrences(of: "    name: Project Time Tracking (monthly)\n    products: [time]\n    billing: monthly\n    commitment: flexible\n    price: \"8.00\"",
                                                  with: "    name: Project Time Tracking (monthly)\n    products: [time]\n    billing: monthly\n    commitment: flexible\n    price: \"9.00\"")
        #expect(dearer != catalog)
        try seatctl.write("catalog.yaml", dearer)
        #expect(try seatctl.run(["catalog", "import", "catalog.yaml", "--now", Self.now]).status == 0)
        let before = try seatctl.stateBytes()
        let apply = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(apply.status == 1)
        #expect(apply.stderr.contains("Saved plan is stale: its charges changed since this plan was created"), "\(apply.stderr)")
        #expect(try seatctl.stateBytes() == before)
    }

    @Test func maxChargeNowTravelsWithTheSavedPlan() throws {
        let seatctl = try acmeWithPendingChanges()
        try seatctl.write("seats.yaml", try seatctl.read("seats.yaml").replacingOccurrences(of: "maxChargeNow: \"3000.00\"", with: "maxChargeNow: \"0.01\""))
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "seats.seatplan", "--now", Self.now]).status == 0)
        let refused = try seatctl.run(["apply", "seats.seatplan", "--now", Self.later])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("[large_change] this apply would charge "), "\(refused.stderr)")
        #expect(refused.stderr.contains("more than guards.maxChargeNow (0.01 USD)"))
        #expect(try seatctl.run(["apply", "seats.seatplan", "--allow-large-change", "--now", Self.later]).status == 0)
    }

    @Test func outNeverOverwritesAFileThatIsNotASavedPlan() throws {
        let seatctl = try acmeWithPendingChanges()
        try seatctl.write("notes.txt", "keep me\n")
        let plan = try seatctl.run(["plan", "seats.yaml", "--out", "notes.txt", "--now", Self.now])
        #expect(plan.status == 1 && plan.stderr.contains("notes.txt exists and is not a saved plan"))
        #expect(try seatctl.read("notes.txt") == "keep me\n")
        // A plan with errors saves nothing.
        try seatctl.write("bad.yaml", try seatctl.read("seats.yaml").replacingOccurrences(of: "licenses: 6", with: "licenses: 1"))
        let bad = try seatctl.run(["plan", "bad.yaml", "--out", "bad.seatplan", "--now", Self.now])
        #expect(bad.status == 1)
        #expect(!FileManager.default.fileExists(atPath: seatctl.directory.appendingPathComponent("bad.seatplan").path))
        // The same inputs save the same bytes.
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "a.seatplan", "--now", Self.now]).status == 0)
        #expect(try seatctl.run(["plan", "seats.yaml", "--out", "b.seatplan", "--now", Self.now]).status == 0)
        #expect(try seatctl.read("a.seatplan") == seatctl.read("b.seatplan"))
    }
}
