import Foundation
import SeatCore
import SeatStore
import Testing

/// Billing end to end: what plans say, what apply records, and the invoice,
/// usage and payment commands, through the built binary.
@Suite struct BillingCommandTests {
    static let created = "2026-11-22T09:00:00Z"
    /// 13 days into the first period (22 November – 21 December).
    static let later = "2026-12-05T09:00:00Z"

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func nextInvoice(_ document: [String: Any]) -> [String: String] {
        let billing = document["billing"] as? [String: Any]
        let next = billing?["next_invoice"] as? [String: Any]
        let total = next?["total"] as? [String: Any]
        return ["date": next?["date"] as? String ?? "?", "amount": total?["amount"] as? String ?? "?"]
    }

    static func preview(_ seatctl: SeatctlRunner, now: String) throws -> [String: String] {
        let result = try seatctl.run(["invoice", "preview", "--format", "json", "--now", now])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try json(result.stdout)
        let total = document["total"] as? [String: Any]
        return ["date": document["date"] as? String ?? "?", "amount": total?["amount"] as? String ?? "?"]
    }

    @Test func invoicePreviewAfterAnApplyMatchesWhatThePlanSaid() throws {
        let seatctl = try SeatctlRunner()
        let file = SeatctlRunner.example("acme/seats.yaml").path
        let plan = try seatctl.run(["plan", file, "--format", "json", "--now", Self.created])
        #expect(plan.status == 0, "\(plan.stderr)")
        let promised = Self.nextInvoice(try Self.json(plan.stdout))
        #expect(promised == ["date": "2026-12-22", "amount": "736.00"])
        let applied = try seatctl.run(["apply", file, "--auto-approve", "--now", Self.created])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try Self.preview(seatctl, now: Self.created) == promised)
        // Planned again, nothing changes: nothing charged, the same next invoice.
        let again = try Self.json(try seatctl.run(["plan", file, "--format", "json", "--now", Self.created]).stdout)
        #expect(Self.nextInvoice(again) == promised)
        #expect(((again["billing"] as? [String: Any])?["charge_now"] as? [String: Any])?["amount"] as? String == "0.00")
        let status = try seatctl.run(["status", "--now", Self.created])
        #expect(status.stdout.contains("next invoice: 2026-12-22, 736.00 USD"), "\(status.stdout)")
    }

    @Test func aMidPeriodPurchaseIsChargedForTheDaysLeft() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", LifecycleTests.base)
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.created]).status == 0)
        // 3 → 5 time-monthly (8.00) on 5 December, UTC: the period runs 22 November –
        // 21 December (30 days); 5…21 December = 17 days: 8.00 × 2 × 17 / 30 = 9.0666… → 9.07.
        try seatctl.write("beta.yaml", LifecycleTests.base.replacingOccurrences(of: "licenses: auto", with: "licenses: 5"))
        let plan = try seatctl.run(["plan", "beta.yaml", "--format", "json", "--now", Self.later])
        let document = try Self.json(plan.stdout)
        let buy = try #require((document["changes"] as? [[String: Any]])?.first { $0["action"] as? String == "buy" })
        #expect((buy["charge_now"] as? [String: Any])?["amount"] as? String == "9.07")
        let billing = try #require(document["billing"] as? [String: Any])
        #expect((billing["recurring_delta"] as? [String: Any])?["amount"] as? String == "16.00")
        // Next invoice on 22 December: 5 × 8.00 = 40.00.
        #expect(Self.nextInvoice(document) == ["date": "2026-12-22", "amount": "40.00"])
        let text = try seatctl.run(["plan", "beta.yaml", "--now", Self.later])
        #expect(text.stdout.contains("time-monthly  2 licenses (3 → 5); charge now 9.07 USD"), "\(text.stdout)")
        #expect(text.stdout.contains("recurring cost:                +16.00 USD per month"), "\(text.stdout)")
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.later]).status == 0)
        #expect(try Self.preview(seatctl, now: Self.later) == ["date": "2026-12-22", "amount": "40.00"])
    }

    @Test func portalPurchasesAndRemovalsAreChargedAndCreditedToo() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", LifecycleTests.base)
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.created]).status == 0)
        // The same figures as the plan above: 8.00 × 2 × 17 / 30 = 9.07.
        let bought = try seatctl.run(["license", "buy", "--account", "beta", "--plan", "time-monthly", "--count", "2", "--now", Self.later])
        #expect(bought.status == 0, "\(bought.stderr)")
        #expect(bought.stdout.contains("Billing: 9.07 USD charged now, 0.00 USD credited to the next invoice."), "\(bought.stdout)")
        // Removing one the same day credits what it was charged: 9.07 shared as 4.54 + 4.53; the newest goes.
        let removed = try seatctl.run(["license", "remove", "--account", "beta", "--plan", "time-monthly", "--count", "1", "--now", Self.later])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout.contains("0.00 USD charged now, 4.53 USD credited"), "\(removed.stdout)")
        // Next invoice: 4 × 8.00 = 32.00 less the 4.53 credit = 27.47.
        #expect(try Self.preview(seatctl, now: Self.later) == ["date": "2026-12-22", "amount": "27.47"])
    }

    @Test func maxChargeNowRefusesWithoutTheFlag() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", LifecycleTests.base)
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.created]).status == 0)
        try seatctl.write("beta.yaml", LifecycleTests.base
            .replacingOccurrences(of: "kind: enterprise\n", with: "kind: enterprise\nguards:\n  maxChargeNow: \"5.00\"\n")
            .replacingOccurrences(of: "licenses: auto", with: "licenses: 5"))
        let before = try seatctl.stateBytes()
        let refused = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.later])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("beta.yaml:4:17: error: this apply would charge 9.07 USD now, more than guards.maxChargeNow (5.00 USD) [large_change]"),
                "\(refused.stderr)")
        #expect(try seatctl.stateBytes() == before)
        let allowed = try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--allow-large-change", "--now", Self.later])
        #expect(allowed.status == 0, "\(allowed.stderr)")
    }

    @Test func issueSendAndPay() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", LifecycleTests.base.replacingOccurrences(of: "licenses: auto", with: "licenses: 4"))
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.created]).status == 0)
        let nothing = try seatctl.run(["invoice", "issue", "--now", Self.later])
        #expect(nothing.stdout == "No invoice is due: the next one is on 2026-12-22.\n")
        let issued = try seatctl.run(["invoice", "issue", "--now", "2026-12-22T09:00:00Z"])
        #expect(issued.stdout == "Issued beta-2026-12-22: 32.00 USD (4 licenses billed, 0.00 USD credit applied).\n", "\(issued.stderr)")
        let list = try seatctl.run(["invoice", "list"])
        #expect(list.stdout.contains("beta-2026-12-22  2026-12-22  32.00 USD  open    no"), "\(list.stdout)")

        let store = try SQLiteLedgerStore(path: seatctl.directory.appendingPathComponent("State/ledger.sqlite").path)
        let licenses = try store.snapshot(account: "beta").licenses
        let assigned = licenses.filter { $0.assignedTo != nil }.map(\.code)
        let spare = try #require(licenses.first { $0.assignedTo == nil }?.code)
        let tooMany = try seatctl.run(["invoice", "send"] + Array(repeating: assigned[0], count: 21))
        #expect(tooMany.status == 1 && tooMany.stderr.contains("at most 20 licenses at once; 21 were given [invoice_batch]"), "\(tooMany.stderr)")
        let unassigned = try seatctl.run(["invoice", "send", assigned[0], spare])
        #expect(unassigned.status == 1 && unassigned.stderr.contains("license \(spare) is not assigned to a user"), "\(unassigned.stderr)")
        let sent = try seatctl.run(["invoice", "send", assigned[0], assigned[1], "--now", "2026-12-22T10:00:00Z"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("Invoice beta-2026-12-22\n") && sent.stdout.contains("Total due") && sent.stdout.contains("4 × time-monthly, 2026-12-22 – 2027-01-21"))
        #expect(sent.stdout.hasSuffix("Sent 1 invoice for 2 licenses.\n"), "\(sent.stdout)")

        let before = try seatctl.stateBytes()
        for card in ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111"] {
            let refused = try seatctl.run(["invoice", "pay", "beta-2026-12-22", "--reference", card])
            #expect(refused.status == 1 && refused.stderr.contains("looks like a payment card number"))
            #expect(!refused.stderr.contains("4111") && !refused.stdout.contains("4111"), "a card number is never echoed")
        }
        #expect(try seatctl.stateBytes() == before)
        let paid = try seatctl.run(["invoice", "pay", "beta-2026-12-22", "--reference", "pm_1NqKq2LkdIwHu7ix"])
        #expect(paid.stdout == "Invoice beta-2026-12-22 paid: 32.00 USD (payment method pm_…u7ix).\n", "\(paid.stderr)")
        // The whole reference is in the ledger, and nowhere in what seatctl prints.
        var printed = paid.stdout + paid.stderr
        for command in [["history"], ["history", "--format", "json"], ["invoice", "list"], ["invoice", "list", "--format", "json"],
                        ["status"], ["status", "--format", "json"]] {
            let result = try seatctl.run(command + ["--account", "beta"])
            printed += result.stdout + result.stderr
        }
        #expect(printed.contains("pm_…u7ix"))
        #expect(!printed.contains("1NqKq2LkdIwHu7ix"), "a payment reference is printed whole")
        #expect(try seatctl.run(["invoice", "pay", "beta-2026-12-22", "--reference", "pm_1"]).stderr.contains("is paid already"))
        let billing = try #require(try store.snapshot(account: "beta").billing)
        #expect(licenses.filter { $0.status == .active }.allSatisfy { billing.licenses[$0.code]?.invoiceState == .paid })
        let show = try seatctl.run(["license", "show", assigned[0]]).stdout
        #expect(show.contains("  invoices    beta-2026-12-22 (paid)") && show.contains("  paid until  2027-01-21"), "\(show)")
        let history = try seatctl.run(["history"]).stdout
        #expect(history.contains("issue_invoice") && history.contains("send_invoice") && history.contains("pay_invoice"))
    }

    @Test func storageAllowanceBlocksRemovalsBelowUsage() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", LifecycleTests.base.replacingOccurrences(of: "licenses: auto", with: "licenses: 5"))
        #expect(try seatctl.run(["apply", "beta.yaml", "--auto-approve", "--now", Self.created]).status == 0)
        // 5 × 20 GB = 100 GB allowance; 70 GB used. Going to 3 licenses leaves 60 GB.
        let usage = try seatctl.run(["usage", "set", "--gb", "70", "--now", Self.created])
        #expect(usage.stdout == "Recorded 70 GB used by beta; its storage allowance is 100 GB.\n", "\(usage.stderr)")
        #expect(try seatctl.run(["status", "--now", Self.created]).stdout.contains("storage: 70 GB used of 100 GB allowance"))
        try seatctl.write("beta.yaml", LifecycleTests.base.replacingOccurrences(of: "licenses: auto", with: "licenses: 3"))
        let refused = try seatctl.run(["plan", "beta.yaml", "--now", Self.later])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("beta.yaml:6:15: error: the removals would bring the storage allowance to 60 GB, below the recorded usage of 70 GB [storage_allowance]"),
                "\(refused.stderr)")
        // 4 licenses (80 GB) is fine, and credits the removed one: 17 of 30 days of 8.00 = 4.533… → 4.53.
        try seatctl.write("beta.yaml", LifecycleTests.base.replacingOccurrences(of: "licenses: auto", with: "licenses: 4"))
        let fine = try seatctl.run(["plan", "beta.yaml", "--now", Self.later])
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(fine.stdout.contains("; credit 4.53 USD"), "\(fine.stdout)")
    }

    @Test func aFileCarryingACardNumberIsRefused() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("beta.yaml", LifecycleTests.base.replacingOccurrences(of: "role: administrator", with: "role: administrator\n    name: \"5500 0000 0000 0004\""))
        let refused = try seatctl.run(["plan", "beta.yaml", "--now", Self.created])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("beta.yaml:10:12: error: this looks like a payment card number; seatctl never accepts card data [invalid_value]"),
                "\(refused.stderr)")
    }
}
