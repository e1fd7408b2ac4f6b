import Foundation
import SeatStore
import Testing

/// `seatctl state copy` of a ledger with billing documents: issued, sent and
/// paid invoices, invoiced and pending adjustments.
@Suite struct StateCopyBillingTests {
    static let issueDay = "2026-12-22T09:00:00Z"
    static let now = "2026-12-28T09:00:00Z"

    /// `StateCopyTests.makeSource`, then a mid-period purchase (a charge
    /// the first invoice lists), invoices for both accounts, acme's sent to
    /// two licenses and paid, and a removal after that (a pending credit).
    /// Returns the license codes whose `license show` a copy must keep.
    static func makeBilledSource(_ seatctl: SeatctlRunner) throws -> [String] {
        try StateCopyTests.makeSource(seatctl)
        try seatctl.write("acme.yaml", ConcurrencyTests.desired(account: "acme", extra: 4))
        let bought = try seatctl.run(["apply", "acme.yaml", "--auto-approve", "--now", BillingCommandTests.later])
        #expect(bought.status == 0, "\(bought.stderr)")
        for account in ["acme", "beta"] {
            let issued = try seatctl.run(["invoice", "issue", "--account", account, "--actor", "billing", "--now", issueDay])
            #expect(issued.status == 0 && issued.stdout.hasPrefix("Issued \(account)-2026-12-22"), "\(issued.stdout)\(issued.stderr)")
        }
        let store = try SQLiteLedgerStore(path: seatctl.directory.appendingPathComponent("State/ledger.sqlite").path)
        let acme = try store.snapshot(account: "acme").licenses.filter { $0.assignedTo != nil }.map(\.code).sorted()
        let beta = try #require(try store.snapshot(account: "beta").licenses.first { $0.assignedTo != nil }?.code)
        #expect(acme.count >= 2)
        let sent = try seatctl.run(["invoice", "send", "--account", "acme", "--actor", "billing", acme[0], acme[1],
                                    "--now", "2026-12-22T10:00:00Z"])
        #expect(sent.status == 0, "\(sent.stderr)")
        let paid = try seatctl.run(["invoice", "pay", "acme-2026-12-22", "--reference", "pm_1NqKq2LkdIwHu7ix", "--actor", "billing"])
        #expect(paid.status == 0, "\(paid.stderr)")
        try seatctl.write("acme.yaml", ConcurrencyTests.desired(account: "acme", extra: 2))
        let removed = try seatctl.run(["apply", "acme.yaml", "--auto-approve", "--now", now])
        #expect(removed.status == 0, "\(removed.stderr)")

        let documents = try store.exportLedger().documents
        #expect(documents.invoices.map { "\($0.id) \($0.status) \($0.sent_at != nil)" }
                    == ["acme-2026-12-22 paid true", "beta-2026-12-22 open false"])
        #expect(documents.payments.count == 1 && documents.deliveries.count == 2)
        let adjustments = documents.adjustments.map { "\($0.kind) \($0.invoice ?? "pending")" }
        #expect(adjustments.contains("charge acme-2026-12-22") && adjustments.contains("credit pending"), "\(adjustments)")
        return [acme[0], acme[1], acme[acme.count - 1], beta]
    }

    /// What a copy must show exactly as the original does.
    static func views(_ codes: [String]) -> [[String]] {
        var commands: [[String]] = [["history"], ["history", "--format", "json"]]
        for account in ["acme", "beta"] {
            commands += [["invoice", "list", "--account", account], ["invoice", "list", "--account", account, "--format", "json"],
                         ["invoice", "preview", "--account", account, "--now", now],
                         ["invoice", "preview", "--account", account, "--format", "json", "--now", now],
                         ["status", "--account", account, "--now", now], ["status", "--account", account, "--format", "json", "--now", now]]
        }
        return commands + codes.map { ["license", "show", $0] }
    }

    /// Copies `from` → `to` and checks every count in the report.
    static func copy(_ seatctl: SeatctlRunner, from: String, to: String, counts: LedgerCounts) throws {
        let copy = try seatctl.run(["state", "copy", "--to", to], environment: ["SEATCTL_STATE": from])
        #expect(copy.status == 0, "\(copy.stderr)")
        let lines = copy.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        for (label, count) in counts.rows {
            #expect(lines.contains("\(label) \(count) \(count)"), "\(label) in \(copy.stdout)")
        }
        #expect(copy.stdout.contains("every billing document (ids included)"), "\(copy.stdout)")
    }

    static func expectSameViews(_ seatctl: SeatctlRunner, _ codes: [String], original: String, copy: String) throws {
        for command in views(codes) {
            let source = try seatctl.run(command, environment: ["SEATCTL_STATE": original])
            let target = try seatctl.run(command, environment: ["SEATCTL_STATE": copy])
            #expect(source.status == 0 && !source.stdout.isEmpty, "\(command): \(source.stderr)")
            #expect(target.stdout == source.stdout && target.stderr == source.stderr, "\(command)")
        }
    }

    @Test func sqliteToSqlite() throws {
        let seatctl = try SeatctlRunner()
        let codes = try Self.makeBilledSource(seatctl)
        let original = try SQLiteLedgerStore(path: seatctl.directory.appendingPathComponent("State/ledger.sqlite").path).exportLedger()
        #expect(original.counts.invoices == 2 && original.counts.adjustments >= 2)
        try Self.copy(seatctl, from: "State/ledger.sqlite", to: "sqlite:Copy/ledger.sqlite", counts: original.counts)
        try Self.expectSameViews(seatctl, codes, original: "State/ledger.sqlite", copy: "Copy/ledger.sqlite")
    }

    @Test(.enabled(if: SharedLedger.runsPostgres, Comment(rawValue: SharedLedger.missing)))
    func sqliteToPostgresAndBack() throws {
        let seatctl = try SeatctlRunner()
        let codes = try Self.makeBilledSource(seatctl)
        let original = try SQLiteLedgerStore(path: seatctl.directory.appendingPathComponent("State/ledger.sqlite").path).exportLedger()
        try SharedLedger.postgres.withState { postgres in
            try Self.copy(seatctl, from: "State/ledger.sqlite", to: postgres, counts: original.counts)
            try Self.expectSameViews(seatctl, codes, original: "State/ledger.sqlite", copy: postgres)
            try Self.copy(seatctl, from: postgres, to: "sqlite:Back/ledger.sqlite", counts: original.counts)
        }
        try Self.expectSameViews(seatctl, codes, original: "State/ledger.sqlite", copy: "Back/ledger.sqlite")
        let back = try SQLiteLedgerStore(path: seatctl.directory.appendingPathComponent("Back/ledger.sqlite").path).exportLedger()
        #expect(back == original)
        // The copy goes on where the original left off: the next payment takes the next id.
        let paid = try seatctl.run(["invoice", "pay", "beta-2026-12-22", "--reference", "pm_2", "--actor", "billing"],
                                   environment: ["SEATCTL_STATE": "Back/ledger.sqlite"])
        #expect(paid.status == 0, "\(paid.stderr)")
        let payments = try SQLiteLedgerStore(path: seatctl.directory.appendingPathComponent("Back/ledger.sqlite").path)
            .exportLedger().documents.payments
        #expect(payments.map(\.id) == [1, 2] && payments.map(\.invoice) == ["acme-2026-12-22", "beta-2026-12-22"])
    }
}
