import SeatCore

/// The plan as a person reads it in a terminal, in the manner of
/// `terraform plan`: one line per change, in apply order, then what is held
/// back, the warnings and a summary line.
struct TextPlanView: PlanView {
    var style: Style

    /// How many warnings of one code the text plan lists before counting the rest.
    static let warningsPerCode = 20
    /// How many drift entries the text plan lists before counting the rest.
    static let driftShown = 50

    func render(_ report: PlanReport) -> String {
        let set = report.changeSet
        var out = ""
        // Room for every change's line (80 bytes each in a large first
        // apply), so that the text is not copied at each doubling.
        out.reserveCapacity(256 + set.changes.count * 96)
        let ledger = set.lineage.map { "serial \(set.serial), lineage \($0)" } ?? "a new account"
        out += "Account \(style.bold(set.account)) (\(report.kind.rawValue)), planned against \(ledger).\n\n"
        if !report.drift.isEmpty {
            out += driftSection(report.drift) + "\n"
        }

        if !set.hasChanges {
            out += style.green("No changes.") + " The ledger matches the desired state.\n"
        } else {
            out += "seatctl will perform the following actions:\n\n"
            if let change = set.accountChange { out += "  " + accountLine(change) + "\n" }
            let width = ChangeAction.allCases.map { $0.rawValue.count }.max()!
            // Padded once per action, not once per change (a change set can hold 300,000).
            let padded = Dictionary(uniqueKeysWithValues: ChangeAction.allCases.map {
                ($0, $0.rawValue + String(repeating: " ", count: width - $0.rawValue.count))
            })
            for (index, change) in set.changes.enumerated() {
                let (symbol, colored) = marker(change.action)
                let action = padded[change.action] ?? change.action.rawValue
                let amount = (set.billing?.perChange[index].map { (change.action == .buy ? "; charge now " : "; credit ") + $0.formatted } ?? "")
                    + (set.billing?.commitments[index].map { ", billed every period until the contract renews on \($0)" } ?? "")
                out += "  \(colored(symbol)) \(colored(action))  \(describe(change))\(amount)\n"
            }
        }
        if !set.deferred.isEmpty {
            out += "\nDeferred (applied by the first apply on or after the date):\n"
            for d in set.deferred {
                out += "  " + style.yellow("…") + " \(d.action.rawValue) \(Self.plural(d.count, "license")) of \(d.plan) until \(d.until) [\(d.code.rawValue)]\n"
            }
        }
        if !set.warnings.isEmpty {
            out += "\nWarnings:\n"
            // A large account can have thousands of one kind of warning: show
            // the first few of each code and count the rest (JSON has them all).
            var shown: [String: Int] = [:]
            var hidden: [String: Int] = [:]
            for w in set.warnings {
                guard shown[w.code, default: 0] < Self.warningsPerCode else { hidden[w.code, default: 0] += 1; continue }
                shown[w.code, default: 0] += 1
                out += "  " + style.yellow("!") + " " + (w.location.map { "\($0.description): " } ?? "") + "\(w.message) [\(w.code)]\n"
            }
            for (code, count) in hidden.sorted(by: { $0.key < $1.key }) {
                out += "  " + style.yellow("!") + " … and \(Self.plural(count, "more \(code) warning")) (all of them are in --format json)\n"
            }
        }
        if set.hasChanges, let billing = set.billing {
            out += "\n" + BillingView.text(billing, style: style)
        }
        if set.hasChanges {
            out += "\n" + style.bold("Plan:") + " " + summaryLine(set) + "\n"
        }
        return sanitizedForDisplay(out)
    }

    /// Drift, apart from the changes: what portal operations and time
    /// events changed since the latest apply, with who and when.
    /// Lists at most ``driftShown`` entries and counts the rest.
    func driftSection(_ drift: [DriftItem]) -> String {
        var out = style.bold("Drift:") + " changed outside seatctl apply since the latest apply:\n"
        for item in drift.prefix(Self.driftShown) {
            out += "  " + style.yellow("~") + " " + item.sentence + "\n"
        }
        if drift.count > Self.driftShown {
            let rest = drift.count - Self.driftShown
            out += "  " + style.yellow("~") + " … and \(rest) more drift entr\(rest == 1 ? "y" : "ies") (all of them are in --format json)\n"
        }
        return out
    }

    /// The one-line count of a change set: what a plan will do, or, with
    /// `applied`, what an apply did ("36 bought" rather than "36 to buy").
    func summaryLine(_ set: ChangeSet, applied: Bool = false) -> String {
        let s = set.summary
        func n(_ a: ChangeAction, _ verb: String, _ done: String) -> String {
            "\(s[a] ?? 0) " + (applied ? done : "to " + verb)
        }
        var parts = [n(.buy, "buy", "bought"), n(.remove, "remove", "removed"),
                     n(.assign, "assign", "assigned"), n(.unassign, "unassign", "unassigned")]
        parts[0] = "licenses: " + parts[0]
        var users = [n(.addUser, "add", "added"), n(.updateUser, "update", "updated"), n(.terminateUser, "terminate", "terminated")]
        if (s[.pause] ?? 0) > 0 || (s[.resume] ?? 0) > 0 {
            users += [n(.pause, "pause", "paused"), n(.resume, "resume", "resumed")]
        }
        users[0] = "users: " + users[0]
        return parts.joined(separator: ", ") + "; " + users.joined(separator: ", ") + "."
            + (set.billing.map { " " + BillingView.summary($0) } ?? "")
    }

    func marker(_ action: ChangeAction) -> (String, (String) -> String) {
        switch action {
        case .addUser, .buy, .assign: return ("+", style.green)
        case .updateUser, .resume, .pause: return ("~", style.yellow)
        case .unassign, .terminateUser, .remove: return ("-", style.red)
        }
    }

    func accountLine(_ change: AccountChange) -> String {
        if change.isNew {
            return style.green("+") + " create account \(change.id) (\(change.kind.rawValue)"
                + (change.name.map { ", \"\($0)\"" } ?? "") + ", timezone \(change.timezone))"
        }
        if change.closes { return style.red("-") + " close account \(change.id)" }
        var parts: [String] = []
        if change.name != change.previousName { parts.append("name \(quoted(change.previousName)) → \(quoted(change.name))") }
        if change.timezone != change.previousTimezone { parts.append("timezone \(change.previousTimezone ?? "-") → \(change.timezone)") }
        return style.yellow("~") + " update account \(change.id): " + parts.joined(separator: ", ")
    }

    func quoted(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? "(none)" }

    func describe(_ change: Change) -> String {
        switch change {
        case let .addUser(email, a):
            return "\(email)  role \(a.role.rawValue)" + (a.name.map { ", name \"\($0)\"" } ?? "") + (a.isExternal ? ", external" : "")
        case let .updateUser(email, from, to):
            var parts: [String] = []
            if from.role != to.role { parts.append("role \(from.role.rawValue) → \(to.role.rawValue)") }
            if from.name != to.name { parts.append("name \(quoted(from.name)) → \(quoted(to.name))") }
            if from.isExternal != to.isExternal { parts.append(to.isExternal ? "becomes external" : "no longer external") }
            return "\(email)  " + parts.joined(separator: ", ")
        case let .buy(plan, count, from, to):
            return "\(plan)  \(Self.plural(count, "license")) (\(from) → \(to))"
        case let .assign(email, plan, license):
            return "\(email)  \(plan) (" + (license.map { "license \($0)" } ?? "a license bought above") + ")"
        case let .resume(email, plans):
            return "\(email)  " + plans.joined(separator: ", ")
        case let .pause(email, plans):
            return "\(email)  " + plans.joined(separator: ", ")
        case let .unassign(email, plan, license):
            return "\(email)  \(plan) (license \(license))"
        case let .terminateUser(email):
            return email
        case let .remove(plan, count, from, to, licenses):
            return "\(plan)  \(Self.plural(count, "license")) (\(from) → \(to)): " + licenses.joined(separator: ", ")
        }
    }
}
