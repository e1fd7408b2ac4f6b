import Foundation
import Testing
@testable import SeatCore

/// Drift: portal operations after the latest apply, and time events
/// (expiry, contract renewal) between the latest apply and now.
@Suite struct DriftTests {
    let detector = DriftDetector(catalog: Fixtures.catalog)

    func entry(_ action: String, _ subject: String, from: String?, to: String?, actor: String, daysAgo: Double, serial: Int) -> JournalEntry {
        JournalEntry(at: Fixtures.now.addingTimeInterval(-daysAgo * 86_400), account: "acme", actor: actor, action: action,
                     subject: subject, from: from, to: to, serial: serial)
    }

    @Test func portalEntriesAfterTheLatestApplyAreDrift() {
        let journal = [
            entry("buy", "suite-monthly", from: "0", to: "3", actor: "ci", daysAgo: 10, serial: 1),
            entry("buy", "suite-monthly", from: "3", to: "4", actor: "portal:bob@acme.com", daysAgo: 9, serial: 2),
            entry("assign", "ann@acme.com", from: nil, to: "suite-monthly (AAAA0001)", actor: "ci", daysAgo: 5, serial: 3),
            entry("buy", "suite-monthly", from: "4", to: "6", actor: "portal:alice@acme.com", daysAgo: 2, serial: 4),
            entry("remove", "time-monthly", from: "3", to: "2 (BBBB0001)", actor: "portal:alice@acme.com", daysAgo: 1, serial: 5),
            entry("unassign", "ann@acme.com", from: "suite-monthly (AAAA0001)", to: nil, actor: "portal:alice@acme.com", daysAgo: 1, serial: 6),
        ]
        let history = DriftHistory(journal: journal)
        #expect(history.latestApply?.serial == 3)
        #expect(history.since.map(\.serial) == [4, 5, 6])
        let snapshot = LedgerSnapshot(account: Fixtures.account)
        let drift = detector.detect(snapshot: snapshot, history: history, now: Fixtures.now)
        #expect(drift.map(\.sentence) == [
            "2 licenses of suite-monthly bought by portal:alice@acme.com on 2026-11-20",
            "1 license of time-monthly removed by portal:alice@acme.com on 2026-11-21",
            "suite-monthly unassigned from ann@acme.com by portal:alice@acme.com on 2026-11-21",
        ])
        #expect(drift.first?.count == 2 && drift.first?.actor == "portal:alice@acme.com")
        #expect(drift.first?.at == Fixtures.now.addingTimeInterval(-2 * 86_400))
    }

    @Test func entriesThatAreNotAppliesDoNotHideDrift() {
        let journal = [
            entry("buy", "suite-monthly", from: "0", to: "3", actor: "ci", daysAgo: 10, serial: 1),
            entry("buy", "suite-monthly", from: "3", to: "5", actor: "portal:alice@acme.com", daysAgo: 2, serial: 2),
            entry("issue_invoice", "INV-1", from: nil, to: "45.00 USD", actor: "billing", daysAgo: 1, serial: 2),
        ]
        let history = DriftHistory(journal: journal)
        #expect(history.latestApply?.serial == 1)
        let drift = detector.detect(snapshot: LedgerSnapshot(account: Fixtures.account), history: history, now: Fixtures.now)
        #expect(drift.map(\.sentence) == ["2 licenses of suite-monthly bought by portal:alice@acme.com on 2026-11-20"])
    }

    @Test func nothingAfterTheLatestApplyIsNoDrift() {
        let journal = [entry("buy", "suite-monthly", from: "3", to: "4", actor: "portal:bob@acme.com", daysAgo: 9, serial: 2),
                       entry("buy", "suite-monthly", from: "4", to: "3", actor: "ci", daysAgo: 1, serial: 3)]
        let drift = detector.detect(snapshot: LedgerSnapshot(account: Fixtures.account), history: DriftHistory(journal: journal), now: Fixtures.now)
        #expect(drift.isEmpty)
        // No account, no drift.
        #expect(detector.detect(snapshot: .empty, history: DriftHistory(journal: journal), now: Fixtures.now).isEmpty)
    }

    @Test func expiriesSinceTheLatestApplyAreTimeDrift() {
        let applied = entry("buy", "time-monthly", from: "0", to: "3", actor: "ci", daysAgo: 5, serial: 1)
        let snapshot = LedgerSnapshot(account: Fixtures.account, licenses: [
            // Expired after the apply: drift (two of them on one day count together).
            Fixtures.license("AAAA0001", "time-monthly", sequence: 1, endDate: Fixtures.today.adding(days: -3)),
            Fixtures.license("AAAA0002", "time-monthly", sequence: 2, endDate: Fixtures.today.adding(days: -3)),
            // Expired before the apply saw it: not drift.
            Fixtures.license("AAAA0003", "time-monthly", sequence: 3, endDate: Fixtures.today.adding(days: -10)),
            // Still valid today.
            Fixtures.license("AAAA0004", "time-monthly", sequence: 4, endDate: Fixtures.today),
            // Removed licenses never drift.
            Fixtures.license("AAAA0005", "time-monthly", status: .removed, sequence: 5, endDate: Fixtures.today.adding(days: -2)),
        ])
        let drift = detector.detect(snapshot: snapshot, history: DriftHistory(latestApply: applied, since: []), now: Fixtures.now)
        #expect(drift.map(\.sentence) == ["2 licenses of time-monthly expired on 2026-11-20"])
        #expect(drift.first?.cause == .time && drift.first?.actor == "time")
    }

    @Test func contractRenewalsSinceTheLatestApplyAreTimeDrift() {
        let applied = entry("buy", "suite-contracted", from: "0", to: "2", actor: "ci", daysAgo: 40, serial: 1)
        let start = Fixtures.today.adding(days: -380)
        let snapshot = LedgerSnapshot(account: Fixtures.account,
                                      licenses: [Fixtures.license("CCCC0001", "suite-contracted", daysAgo: 380, sequence: 1)],
                                      contractStarts: ["suite-contracted": start],
                                      deferrals: [RecordedDeferral(plan: "suite-contracted", until: Day.monthly(anchor: start, plus: 12))])
        let drift = detector.detect(snapshot: snapshot, history: DriftHistory(latestApply: applied, since: []), now: Fixtures.now)
        let renewal = Day.monthly(anchor: start, plus: 12)
        #expect(drift.map(\.sentence) == ["the contract for suite-contracted renewed on \(renewal); the deferred removal is now due"])
        // Seen by an apply after the renewal: no drift.
        let later = entry("assign", "x@acme.com", from: nil, to: "suite-contracted (CCCC0001)", actor: "ci", daysAgo: 1, serial: 2)
        #expect(detector.detect(snapshot: snapshot, history: DriftHistory(latestApply: later, since: []), now: Fixtures.now).isEmpty)
    }
}
