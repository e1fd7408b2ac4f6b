import Foundation
import Testing
@testable import SeatCLI
import SeatCore

/// `--format markdown`: the PR comment.
@Suite struct MarkdownTests {
    static let now = "2026-11-22T09:00:00Z"

    @Test func acmeMarkdownPlanMatchesGolden() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        let plan = try seatctl.run(["plan", "seats.yaml", "--format", "markdown", "--now", Self.now])
        #expect(plan.status == 0, "\(plan.stderr)")
        try assertGolden(plan.stdout, named: "acme-plan.md")
        #expect(plan.stdout.contains("<details><summary>All 69 changes, in apply order</summary>"))
        #expect(plan.stdout.contains("- **create account** `acme` (enterprise, name `Acme Engineering Ltd`, timezone `Europe/London`)\n"))
        #expect(plan.stdout.hasSuffix("</details>\n"))
    }

    @Test func errorsComeFirstAndExit1() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.copyExample("acme/seats.yaml", to: "seats.yaml")
        try seatctl.write("seats.yaml", try seatctl.read("seats.yaml").replacingOccurrences(of: "    licenses: 4\n", with: "    licenses: 1\n"))
        let plan = try seatctl.run(["plan", "seats.yaml", "--format", "markdown", "--now", Self.now])
        #expect(plan.status == 1)
        #expect(plan.stdout.contains("**Plan failed:** 1 error; the desired state cannot be reached as written."))
        #expect(plan.stdout.contains("#### Errors\n\n- `seats.yaml:"))
        #expect(plan.stdout.contains("(`assigned_license`)"))
        #expect(!plan.stdout.contains("<details>"))
    }

    @Test func goldenMarkdownOfAChangeWithDriftAndADeferral() throws {
        let seatctl = try SeatctlRunner.appliedAcme()
        try PortalWrites.buy(2, of: "issues-monthly", in: seatctl, actor: "portal:alice@acme.com", at: "2026-11-20T10:04:00Z")
        let edited = try seatctl.read("seats.yaml")
            .replacingOccurrences(of: "    name: Carmen Diaz\n    role: manager\n", with: "    name: Carmen Diaz\n    role: administrator\n")
            .replacingOccurrences(of: "  issues-monthly:\n    licenses: 3", with: "  issues-monthly:\n    licenses: 5")
            .replacingOccurrences(of: "    licenses: 8                # 12-month", with: "    licenses: 7                # 12-month")
            + "  newbie@acme.com:\n    name: New Person\n"
        try seatctl.write("seats.yaml", edited)
        let plan = try seatctl.run(["plan", "seats.yaml", "--format", "markdown", "--now", Self.now])
        #expect(plan.status == 0, "\(plan.stderr)")
        let masked = plan.stdout.replacingOccurrences(of: #"lineage `[0-9a-f]{32}`"#, with: "lineage `<lineage>`", options: .regularExpression)
        try assertGolden(masked, named: "acme-change-plan.md")
        #expect(masked.contains("#### Drift"))
        #expect(masked.contains("#### Deferred"))
    }

    func report(_ set: ChangeSet) -> PlanReport {
        PlanReport(changeSet: set, catalog: Catalog(currency: "USD", plans: []), kind: .enterprise)
    }

    @Test func aHundredThousandUserChangeStaysUnder65000Characters() {
        var changes: [Change] = []
        for i in 0..<100_000 {
            changes.append(.addUser(email: "user\(i)@acme.com", UserAttributes(name: "User Number \(i)", role: .user, isExternal: false)))
        }
        changes.append(.buy(plan: "full-suite-monthly", count: 100_000, from: 0, to: 100_000))
        for i in 0..<100_000 { changes.append(.assign(email: "user\(i)@acme.com", plan: "full-suite-monthly", license: nil)) }
        let warnings = (0..<100_000).map { Diagnostic.warning(.unmanagedUser, "old\($0)@acme.com is in the ledger but not in the file") }
        let deferred = (0..<5_000).map { Deferral(action: .remove, plan: "plan-\($0)", count: 2, code: .contractTerm, until: Day(year: 2027, month: 3, day: 1)) }
        let set = ChangeSet(account: "acme", lineage: "abc", serial: 3, now: Date(timeIntervalSince1970: 0), changes: changes,
                            deferred: deferred, diagnostics: warnings)
        let markdown = MarkdownPlanView().render(report(set))
        #expect(markdown.count < 65_000)
        #expect(markdown.utf8.count < 65_000)
        #expect(markdown.contains("**Plan:** licenses: 100000 to buy, 0 to remove, 100000 to assign"))
        #expect(markdown.contains("- … and 4950 more deferrals not shown here"))
        #expect(markdown.contains("- … and 99950 more warnings not shown here"))
        #expect(markdown.contains("more changes not shown: a comment holds at most 65000 characters"))
        #expect(markdown.hasSuffix("</details>\n"), "the details block is always closed")
        // What is shown plus what is counted is everything.
        let shown = markdown.components(separatedBy: "\n- **").count - 1
        let counted = Int(markdown.components(separatedBy: "… and ").last!.prefix { $0.isNumber })!
        #expect(shown + counted == changes.count)
    }

    @Test func userDataIsEscaped() {
        let set = ChangeSet(account: "acme", lineage: nil, serial: 0, now: Date(timeIntervalSince1970: 0), changes: [
            .addUser(email: "eve@acme.com", UserAttributes(name: "</details><script>x</script> `tick` | *bold* \u{1B}[2J", role: .user, isExternal: false)),
        ], diagnostics: [Diagnostic.warning(.unmanagedUser, "<img src=x> **hi** [link](http://x)")])
        let markdown = MarkdownPlanView().render(report(set))
        // In a code span (a longer fence, since the name holds a backtick) HTML and Markdown are shown, never rendered.
        #expect(markdown.contains("name ``</details><script>x</script> `tick` \\| *bold* \\u{1B}[2J``\n"), "\(markdown)")
        #expect(markdown.components(separatedBy: "</details>").count == 3, "the name's, in its code span, and the block's own")
        #expect(markdown.contains("&lt;img src=x&gt; \\*\\*hi\\*\\* \\[link\\]\\(http\\://x\\)"), "\(markdown)")
        #expect(!markdown.contains("\u{1B}"))
    }
}
