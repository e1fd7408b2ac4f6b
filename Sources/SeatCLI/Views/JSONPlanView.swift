import SeatCore

/// The versioned JSON plan document (`--format json`). A wire format of its
/// own: fields are only ever added, and consumers ignore unknown ones.
struct JSONPlanView: PlanView {
    static let formatVersion = "1.0"

    func render(_ report: PlanReport) -> String {
        document(report).serialized()
    }

    func document(_ report: PlanReport) -> JSONValue {
        let set = report.changeSet
        var pairs: [(String, JSONValue)] = [
            ("format_version", .string(Self.formatVersion)),
            ("account", .string(set.account)),
            ("ledger", .object([("lineage", .optional(set.lineage)), ("serial", .int(set.serial))])),
        ]
        if let change = set.accountChange { pairs.append(("account_change", Self.accountChange(change))) }
        pairs += [
            ("changes", .array(set.changes.enumerated().map { index, change in
                Self.change(change, amount: set.billing?.perChange[index], committedUntil: set.billing?.commitments[index])
            })),
            ("deferred", .array(set.deferred.map(Self.deferral))),
            ("errors", .array(set.errors.map(Self.diagnostic))),
            ("warnings", .array(set.warnings.map(Self.diagnostic))),
            ("drift", .array(report.drift.map(Self.drift))),
            ("billing", set.billing.map(BillingView.json) ?? .null),
            ("summary", .object(ChangeAction.allCases.sorted(by: Self.summaryOrder).map { ($0.rawValue, .int(set.summary[$0] ?? 0)) })),
        ]
        return .object(pairs)
    }

    /// The document for a file that could not be loaded at all.
    static func failure(account: String?, diagnostics: [Diagnostic]) -> String {
        JSONValue.object([
            ("format_version", .string(formatVersion)),
            ("account", .optional(account)),
            ("changes", .array([])),
            ("deferred", .array([])),
            ("errors", .array(diagnostics.errors.map(diagnostic))),
            ("warnings", .array(diagnostics.warnings.map(diagnostic))),
        ]).serialized()
    }

    /// The summary keys in the order the design lists them.
    static func summaryOrder(_ a: ChangeAction, _ b: ChangeAction) -> Bool {
        let order: [ChangeAction] = [.buy, .remove, .assign, .unassign, .addUser, .updateUser, .terminateUser, .pause, .resume]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }

    static func attributes(_ a: UserAttributes) -> JSONValue {
        .object([("role", .string(a.role.rawValue)), ("name", .optional(a.name)), ("external", .bool(a.isExternal))])
    }

    static func accountChange(_ c: AccountChange) -> JSONValue {
        .object([("id", .string(c.id)), ("kind", .string(c.kind.rawValue)), ("new", .bool(c.isNew)),
                 ("name", .optional(c.name)), ("timezone", .string(c.timezone)), ("closes", .bool(c.closes))])
    }

    /// A change; a buy carries its `charge_now` (and, for a contracted
    /// plan, `committed_until`: the contract's renewal), a removal its `credit`.
    static func change(_ change: Change, amount: Money?, committedUntil: Day?) -> JSONValue {
        guard let amount, case .object(var pairs) = self.change(change) else { return self.change(change) }
        pairs.append((change.action == .buy ? "charge_now" : "credit", BillingView.json(amount)))
        if let committedUntil { pairs.append(("committed_until", .string(committedUntil.description))) }
        return .object(pairs)
    }

    static func change(_ change: Change) -> JSONValue {
        let action: (String, JSONValue) = ("action", .string(change.action.rawValue))
        switch change {
        case let .addUser(email, attributes):
            return .object([action, ("user", .string(email)), ("role", .string(attributes.role.rawValue)),
                            ("name", .optional(attributes.name)), ("external", .bool(attributes.isExternal))])
        case let .updateUser(email, from, to):
            return .object([action, ("user", .string(email)), ("from", attributes(from)), ("to", attributes(to))])
        case let .buy(plan, count, from, to):
            return .object([action, ("plan", .string(plan)), ("count", .int(count)), ("from", .int(from)), ("to", .int(to))])
        case let .assign(email, plan, license):
            return .object([action, ("user", .string(email)), ("plan", .string(plan)), ("license", .optional(license))])
        case let .resume(email, plans), let .pause(email, plans):
            return .object([action, ("user", .string(email)), ("plans", .array(plans.map(JSONValue.string)))])
        case let .unassign(email, plan, license):
            return .object([action, ("user", .string(email)), ("plan", .string(plan)), ("license", .string(license))])
        case let .terminateUser(email):
            return .object([action, ("user", .string(email))])
        case let .remove(plan, count, from, to, licenses):
            return .object([action, ("plan", .string(plan)), ("count", .int(count)), ("from", .int(from)), ("to", .int(to)),
                            ("licenses", .array(licenses.map(JSONValue.string)))])
        }
    }

    /// A drift entry as the design shows it (`action`, `plan`, `count`,
    /// `actor`, `at`), plus `cause` (`portal` or `time`), the user when
    /// there is one, and the sentence the text plan prints.
    static func drift(_ d: DriftItem) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("action", .string(d.action))]
        if let plan = d.plan { pairs.append(("plan", .string(plan))) }
        if let user = d.user { pairs.append(("user", .string(user))) }
        if let count = d.count { pairs.append(("count", .int(count))) }
        pairs += [("actor", .string(d.actor)), ("at", .string(Clock.format(d.at))), ("cause", .string(d.cause.rawValue)),
                  ("message", .string(d.sentence))]
        return .object(pairs)
    }

    static func deferral(_ d: Deferral) -> JSONValue {
        .object([("action", .string(d.action.rawValue)), ("plan", .string(d.plan)), ("count", .int(d.count)),
                 ("code", .string(d.code.rawValue)), ("until", .string(d.until.description))])
    }

    static func diagnostic(_ d: Diagnostic) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("code", .string(d.code)), ("message", .string(d.message))]
        if let location = d.location {
            pairs.append(("location", .object([("file", .string(location.file)), ("line", .int(location.line)), ("column", .int(location.column))])))
        } else {
            pairs.append(("location", .null))
        }
        if let hint = d.hint { pairs.append(("hint", .string(hint))) }
        return .object(pairs)
    }
}
