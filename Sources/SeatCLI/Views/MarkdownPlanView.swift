import SeatCore

/// The plan as a pull-request comment (`--format markdown`): a one-line
/// summary, the billing table, then errors, deferrals and drift up front,
/// and the full change list folded in a `<details>` block. User data is
/// always in code spans or escaped, and the whole comment stays under
/// ``MarkdownBudget/commentLimit`` characters however large the change:
/// what does not fit is counted instead.
struct MarkdownPlanView: PlanView {
    /// Items listed per up-front section before the rest are counted.
    static let itemsPerSection = 50
    /// Room kept for the change list's closing lines.
    static let closingReserve = 1_000

    func render(_ report: PlanReport) -> String {
        let set = report.changeSet
        var doc = MarkdownBudget()
        doc.append("### seatctl plan for \(Markdown.code(set.account))\n\n")
        doc.append(summary(report) + "\n\n")
        let ledger = set.lineage.map { "serial \(set.serial), lineage \(Markdown.code($0))" } ?? "a new account"
        doc.append("Planned against \(ledger) at \(Clock.format(set.now)).\n\n")

        if set.hasChanges, let billing = set.billing {
            doc.append(Self.billingTable(billing) + "\n")
        }

        if !set.errors.isEmpty {
            doc.append("#### Errors\n\n")
            doc.appendList(set.errors, cap: Self.itemsPerSection, reserve: Self.closingReserve, noun: "errors", line: diagnosticLine)
            doc.append("\n")
        }
        if !set.deferred.isEmpty {
            doc.append("#### Deferred\n\nApplied by the first apply on or after the date.\n\n")
            doc.appendList(set.deferred, cap: Self.itemsPerSection, reserve: Self.closingReserve, noun: "deferrals") { d in
                "\(d.action.rawValue) \(TextPlanView.plural(d.count, "license")) of \(Markdown.code(d.plan)) until \(d.until) (`\(d.code.rawValue)`)"
            }
            doc.append("\n")
        }
        if !report.drift.isEmpty {
            doc.append("#### Drift\n\nChanged outside `seatctl apply` since the latest apply:\n\n")
            doc.appendList(report.drift, cap: Self.itemsPerSection, reserve: Self.closingReserve, noun: "drift entries", line: Self.driftLine)
            doc.append("\n")
        }
        if !set.warnings.isEmpty {
            doc.append("#### Warnings\n\n")
            doc.appendList(set.warnings, cap: Self.itemsPerSection, reserve: Self.closingReserve, noun: "warnings", line: diagnosticLine)
            doc.append("\n")
        }
        // With errors nothing can be applied: the errors are the whole story.
        if set.hasChanges && !set.hasErrors {
            changeList(report, into: &doc)
        }
        return doc.text
    }

    /// The one line a reviewer reads first.
    func summary(_ report: PlanReport) -> String {
        let set = report.changeSet
        if set.hasErrors {
            return "**Plan failed:** \(TextPlanView.plural(set.errors.count, "error")); the desired state cannot be reached as written."
        }
        if !set.hasChanges { return "**No changes.** The ledger matches the desired state." }
        return "**Plan:** " + TextPlanView(style: Style(enabled: false)).summaryLine(set)
    }

    /// Charged now, credited, the change in recurring cost and the next
    /// invoice, as a two-column table.
    static func billingTable(_ effect: BillingEffect) -> String {
        let rows = [
            ("Charged now", effect.chargeNow.formatted),
            ("Credited to the next invoice", effect.credit.formatted),
            ("Recurring cost", BillingView.recurring(effect)),
            ("Next invoice", "\(effect.nextInvoice.date): \(effect.nextInvoice.total.formatted)"),
        ]
        return "| Billing | |\n|---|---:|\n" + rows.map { "| \($0.0) | \($0.1) |\n" }.joined()
    }

    func diagnosticLine(_ d: Diagnostic) -> String {
        (d.location.map { Markdown.code($0.description) + ": " } ?? "") + Markdown.text(d.message) + " (`\(d.code)`)"
    }

    /// One drift entry: the sentence with its names in code spans.
    static func driftLine(_ item: DriftItem) -> String {
        var copy = item
        copy.plan = item.plan.map(Markdown.code)
        copy.user = item.user.map(Markdown.code)
        copy.detail = item.detail.map(Markdown.text)
        copy.actor = Markdown.code(item.actor)
        return copy.sentence
    }

    /// Every change in apply order, folded; as many as fit, then a count.
    func changeList(_ report: PlanReport, into doc: inout MarkdownBudget) {
        let set = report.changeSet
        let count = set.changes.count + (set.accountChange == nil ? 0 : 1)
        doc.append("<details><summary>All \(TextPlanView.plural(count, "change")), in apply order</summary>\n\n")
        var shown = 0
        if let change = set.accountChange, doc.appendIfFits("- " + accountLine(change) + "\n", reserve: Self.closingReserve) {
            shown += 1
        }
        for (index, change) in set.changes.enumerated() {
            let amount = set.billing?.perChange[index].map { (change.action == .buy ? "; charge now " : "; credit ") + $0.formatted } ?? ""
            let until = set.billing?.commitments[index].map { ", billed every period until the contract renews on \($0)" } ?? ""
            guard doc.appendIfFits("- " + changeLine(change) + amount + until + "\n", reserve: Self.closingReserve) else { break }
            shown += 1
        }
        if shown < count {
            doc.append("\n… and \(count - shown) more changes not shown: a comment holds at most \(MarkdownBudget.commentLimit) characters. "
                       + "Run `seatctl plan` or `seatctl plan --format json` for the full list.\n")
        }
        doc.append("\n</details>\n")
    }

    func accountLine(_ change: AccountChange) -> String {
        let id = Markdown.code(change.id)
        if change.isNew {
            return "**create account** \(id) (\(change.kind.rawValue)" + (change.name.map { ", name \(Markdown.code($0))" } ?? "")
                + ", timezone \(Markdown.code(change.timezone)))"
        }
        if change.closes { return "**close account** \(id)" }
        var parts: [String] = []
        if change.name != change.previousName {
            parts.append("name \(change.previousName.map(Markdown.code) ?? "(none)") → \(change.name.map(Markdown.code) ?? "(none)")")
        }
        if change.timezone != change.previousTimezone {
            parts.append("timezone \(change.previousTimezone.map(Markdown.code) ?? "-") → \(Markdown.code(change.timezone))")
        }
        return "**update account** \(id): " + parts.joined(separator: ", ")
    }

    /// One change: its action, then its names in code spans.
    func changeLine(_ change: Change) -> String {
        let action = "**\(change.action.rawValue)**"
        switch change {
        case let .addUser(email, a):
            return "\(action) \(Markdown.code(email)) role \(a.role.rawValue)" + (a.name.map { ", name \(Markdown.code($0))" } ?? "")
                + (a.isExternal ? ", external" : "")
        case let .updateUser(email, from, to):
            var parts: [String] = []
            if from.role != to.role { parts.append("role \(from.role.rawValue) → \(to.role.rawValue)") }
            if from.name != to.name { parts.append("name \(from.name.map(Markdown.code) ?? "(none)") → \(to.name.map(Markdown.code) ?? "(none)")") }
            if from.isExternal != to.isExternal { parts.append(to.isExternal ? "becomes external" : "no longer external") }
            return "\(action) \(Markdown.code(email)) " + parts.joined(separator: ", ")
        case let .buy(plan, count, from, to):
            return "\(action) \(Markdown.code(plan)) \(TextPlanView.plural(count, "license")) (\(from) → \(to))"
        case let .assign(email, plan, license):
            return "\(action) \(Markdown.code(plan)) to \(Markdown.code(email))" + (license.map { " (license \(Markdown.code($0)))" } ?? "")
        case let .resume(email, plans), let .pause(email, plans):
            return "\(action) \(Markdown.code(email)) " + plans.map(Markdown.code).joined(separator: ", ")
        case let .unassign(email, plan, license):
            return "\(action) \(Markdown.code(plan)) from \(Markdown.code(email)) (license \(Markdown.code(license)))"
        case let .terminateUser(email):
            return "\(action) \(Markdown.code(email))"
        case let .remove(plan, count, from, to, licenses):
            let shown = licenses.prefix(20).map(Markdown.code).joined(separator: ", ")
            return "\(action) \(Markdown.code(plan)) \(TextPlanView.plural(count, "license")) (\(from) → \(to)): " + shown
                + (licenses.count > 20 ? " and \(licenses.count - 20) more" : "")
        }
    }
}
