import SeatCore

/// What a portal operation did (or, when it changed nothing, why), as text
/// or as a versioned JSON document. Changes are shown the way a plan shows
/// them, with the license codes the apply chose filled in.
struct PortalReportView {
    var plan: PortalPlan
    var actor: String
    var style: Style

    /// The changes with the codes of licenses bought by this apply: an
    /// assignment of "a license bought above" names the license it got.
    func resolved(_ writes: LedgerWrites?, snapshot: LedgerSnapshot) -> [(change: Change, bought: [String])] {
        guard let writes else { return plan.changeSet.changes.map { ($0, []) } }
        let before = Set(snapshot.licenses.map(\.code))
        let created = writes.licenses.filter { !before.contains($0.code) }
        return plan.changeSet.changes.map { change in
            switch change {
            case let .buy(id, _, _, _):
                return (change, created.filter { $0.plan == id }.map(\.code))
            case let .assign(email, id, nil):
                let code = writes.licenses.first { $0.assignedTo == email && $0.plan == id && $0.status != .removed }?.code
                return (.assign(email: email, plan: id, license: code), [])
            default:
                return (change, [])
            }
        }
    }

    func text(writes: LedgerWrites?, snapshot: LedgerSnapshot) -> String {
        let command = plan.operation.command
        var out: String
        if let writes {
            out = "\(command): account \(style.bold(plan.changeSet.account)), as \(actor), ledger serial \(writes.account.serial).\n"
            let lines = TextPlanView(style: style)
            let width = ChangeAction.allCases.map { $0.rawValue.count }.max() ?? 0
            for (change, bought) in resolved(writes, snapshot: snapshot) {
                let (symbol, colored) = lines.marker(change.action)
                let action = change.action.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
                out += "  \(colored(symbol)) \(colored(action))  \(lines.describe(change))"
                out += bought.isEmpty ? "\n" : ": " + bought.joined(separator: ", ") + "\n"
            }
            if let billing = writes.billing, !billing.adjustments.isEmpty {
                out += "Billing: \(billing.chargeNow.formatted) charged now, \(billing.credit.formatted) credited to the next invoice.\n"
            }
        } else {
            out = "\(command): account \(style.bold(plan.changeSet.account)), no changes.\n"
        }
        for note in plan.notes { out += "Note: \(note).\n" }
        for warning in plan.changeSet.warnings { out += style.yellow("Warning:") + " \(warning.message) [\(warning.code)]\n" }
        return sanitizedForDisplay(out)
    }

    func json(writes: LedgerWrites?, snapshot: LedgerSnapshot) -> JSONValue {
        let set = plan.changeSet
        let changes: [JSONValue] = set.hasErrors ? [] : resolved(writes, snapshot: snapshot).map { change, bought in
            guard case .object(var pairs) = JSONPlanView.change(change), case .buy = change else { return JSONPlanView.change(change) }
            pairs.append(("licenses", .array(bought.map(JSONValue.string))))
            return .object(pairs)
        }
        let serial = writes?.account.serial ?? set.serial
        return .object([
            ("format_version", .string(JSONPlanView.formatVersion)),
            ("operation", .string(plan.operation.command)),
            ("account", .string(set.account)),
            ("actor", .string(actor)),
            ("applied", .bool(writes != nil)),
            ("ledger", .object([("lineage", .optional(writes?.account.lineage ?? set.lineage)), ("serial", .int(serial))])),
            ("changes", .array(writes == nil ? [] : changes)),
            ("billing", writes?.billing.map { .object([("charge_now", BillingView.json($0.chargeNow)), ("credit", BillingView.json($0.credit))]) } ?? .null),
            ("notes", .array(plan.notes.map(JSONValue.string))),
            ("errors", .array(set.errors.map(JSONPlanView.diagnostic))),
            ("warnings", .array(set.warnings.map(JSONPlanView.diagnostic))),
        ])
    }
}
