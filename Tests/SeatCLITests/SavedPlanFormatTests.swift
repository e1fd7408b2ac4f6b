import Foundation
import Testing
@testable import SeatCLI
import SeatCore

/// The saved-plan document in-process: every kind of change survives the
/// round trip, and any edit to the plan is caught by its digest.
@Suite struct SavedPlanFormatTests {
    static let everyChange = ChangeSet(
        account: "acme", lineage: "0123456789abcdef0123456789abcdef", serial: 7, now: Date(timeIntervalSince1970: 1_795_338_000),
        accountChange: AccountChange(id: "acme", kind: .enterprise, isNew: false, name: "Acme \"Ltd\"", timezone: "Europe/London",
                                     previousName: nil, previousTimezone: "UTC"),
        changes: [
            .addUser(email: "new@acme.com", UserAttributes(name: "New / Person", role: .manager, isExternal: false)),
            .updateUser(email: "carmen@acme.com", from: UserAttributes(name: nil, role: .manager, isExternal: false),
                        to: UserAttributes(name: "Carmen", role: .administrator, isExternal: false)),
            .buy(plan: "time-monthly", count: 2, from: 4, to: 6),
            .assign(email: "new@acme.com", plan: "time-monthly", license: nil),
            .assign(email: "carmen@acme.com", plan: "time-monthly", license: "ABCD1234"),
            .resume(email: "bob@acme.com", plans: ["time-monthly"]),
            .pause(email: "dan@acme.com", plans: ["a", "b"]),
            .unassign(email: "eve@acme.com", plan: "time-monthly", license: "EFGH5678"),
            .terminateUser(email: "eve@acme.com"),
            .remove(plan: "time-monthly", count: 1, from: 6, to: 5, licenses: ["EFGH5678"]),
        ],
        deferred: [Deferral(action: .remove, plan: "suite-contracted", count: 2, code: .contractTerm, until: Day(year: 2027, month: 3, day: 1))],
        diagnostics: [Diagnostic.warning(.unmanagedUser, "x@acme.com is not in the file", at: SourceLocation(file: "seats.yaml", line: 3, column: 1))],
        rewritesDeferrals: true)

    static let saved = SavedPlan(desiredFile: "dir/seats.yaml", desiredSHA256: SavedPlan.sha256(Array("abc".utf8)), guards: Guards(maxUnassignments: Located(25), maxChargeNow: Located("2500.00")),
                                 charges: PlannedCharges(chargeNow: Money(minorUnits: 8_710, currency: "USD"),
                                                         credit: Money(minorUnits: 1_233, currency: "USD")),
                                 changeSet: everyChange)

    @Test func everyKindOfChangeSurvivesTheRoundTrip() throws {
        let bytes = Array(try Self.saved.serialized())
        #expect(SavedPlan.isSavedPlan(bytes))
        let read = try SavedPlan.read(bytes)
        #expect(read == Self.saved)
        #expect(try read.serialized() == Self.saved.serialized(), "the same plan always gives the same bytes")
    }

    @Test func sha256IsTheStandardDigest() {
        #expect(SavedPlan.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SavedPlan.sha256([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func anyEditIsCaught() throws {
        let text = String(decoding: try Self.saved.serialized(), as: UTF8.self)
        let edits = [("EFGH5678", "EFGH5679"), ("\"serial\":7", "\"serial\":8"), ("carmen@acme.com", "mallory@acme.com"),
                     ("2027-03-01", "2026-12-01"), ("\"charge_now\":\"87.10\"", "\"charge_now\":\"0.10\""), ("\"max_unassignments\":25", "\"max_unassignments\":2500")]
        for (from, to) in edits {
            #expect(text.contains(from), "\(from)")
            let edited = Array(text.replacingOccurrences(of: from, with: to).utf8)
            #expect(throws: SavedPlanProblem.tampered) { try SavedPlan.read(edited) }
        }
        #expect(throws: SavedPlanProblem.unknownVersion(2)) {
            try SavedPlan.read(Array(text.replacingOccurrences(of: "\"format_version\":1", with: "\"format_version\":2").utf8))
        }
    }

    @Test func desiredStateFilesAreNotSavedPlans() throws {
        let acme = try String(contentsOf: SeatctlRunner.example("acme/seats.yaml"), encoding: .utf8)
        #expect(!SavedPlan.isSavedPlan(Array(acme.utf8)))
        // A desired state written as JSON (which is YAML) is not one either.
        #expect(!SavedPlan.isSavedPlan(Array(#"{"account": "acme", "kind": "enterprise"}"#.utf8)))
    }
}

/// Durations and the reconcile loop's back-off.
@Suite struct ReconcileScheduleTests {
    @Test func durations() {
        #expect(LoopDuration(argument: "15m")?.seconds == 900)
        #expect(LoopDuration(argument: "1h30m")?.seconds == 5400)
        #expect(LoopDuration(argument: "2d")?.seconds == 172_800)
        #expect(LoopDuration(argument: "45s")?.description == "45s")
        #expect(LoopDuration(seconds: 5400).description == "1h30m")
        for bad in ["", "15", "m", "0s", "1x", "-5m", "99999999999999999999d"] {
            #expect(LoopDuration(argument: bad) == nil, "\(bad)")
        }
    }

    @Test func backoffDoublesUpToItsCapWithJitter() {
        let backoff = Backoff(interval: 900, base: 30, cap: 3600)
        #expect((0...9).map(backoff.ceiling) == [900, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600])
        #expect(backoff.ceiling(failures: 1_000) == 3600)
        #expect(backoff.delay(failures: 0) == 900, "no jitter without failures")
        #expect(backoff.delay(failures: 3) { $0.lowerBound } == 60)
        #expect(backoff.delay(failures: 3) { $0.upperBound } == 120)
        for _ in 0..<100 { #expect((60...120).contains(backoff.delay(failures: 3))) }
    }
}
