import Foundation
import SeatCore

/// The wire form of a saved plan's body: plain Codable values, encoded with
/// sorted keys, so the same change set always gives the same bytes and the
/// integrity digest can be recomputed from what was read.
struct SavedPlanBody: Codable, Equatable {
    struct Desired: Codable, Equatable {
        var file: String
        var sha256: String
    }

    struct Ledger: Codable, Equatable {
        var lineage: String?
        var serial: Int
    }

    /// Charged now and credited, as decimal strings in `currency`.
    struct Charges: Codable, Equatable {
        var currency: String
        var chargeNow: String
        var credit: String
    }

    /// The file's guards, values only.
    struct Limits: Codable, Equatable {
        var maxUnassignments: Int?
        var maxChargeNow: String?
    }

    struct Account: Codable, Equatable {
        var id: String
        var kind: String
        var isNew: Bool
        var name: String?
        var timezone: String
        var closes: Bool
        var previousName: String?
        var previousTimezone: String?
    }

    struct Step: Codable, Equatable {
        var action: String
        var user: String?
        var plan: String?
        var count: Int?
        var from: Int?
        var to: Int?
        var license: String?
        var licenses: [String]?
        var plans: [String]?
        var attributes: UserAttributes?
        var fromAttributes: UserAttributes?
    }

    struct Held: Codable, Equatable {
        var action: String
        var plan: String
        var count: Int
        var code: String
        var until: String
    }

    struct Warning: Codable, Equatable {
        var code: String
        var message: String
        var location: SourceLocation?
        var hint: String?
    }

    var seatctlVersion: String
    var createdAt: String
    var desired: Desired
    var account: String
    var ledger: Ledger
    var guards: Limits
    var charges: Charges?
    var accountChange: Account?
    var changes: [Step]
    var deferred: [Held]
    var warnings: [Warning]
    var rewritesDeferrals: Bool
}

extension SavedPlanBody {
    init(_ plan: SavedPlan) {
        let set = plan.changeSet
        self.init(
            seatctlVersion: plan.seatctlVersion, createdAt: Clock.format(set.now),
            desired: Desired(file: plan.desiredFile, sha256: plan.desiredSHA256),
            account: set.account, ledger: Ledger(lineage: set.lineage, serial: set.serial),
            guards: Limits(maxUnassignments: plan.guards.maxUnassignments?.value, maxChargeNow: plan.guards.maxChargeNow?.value),
            charges: plan.charges.map {
                Charges(currency: $0.chargeNow.currency, chargeNow: $0.chargeNow.decimalString, credit: $0.credit.decimalString)
            },
            accountChange: set.accountChange.map {
                Account(id: $0.id, kind: $0.kind.rawValue, isNew: $0.isNew, name: $0.name, timezone: $0.timezone, closes: $0.closes,
                        previousName: $0.previousName, previousTimezone: $0.previousTimezone)
            },
            changes: set.changes.map(Self.step),
            deferred: set.deferred.map { Held(action: $0.action.rawValue, plan: $0.plan, count: $0.count, code: $0.code.rawValue, until: $0.until.description) },
            warnings: set.warnings.map { Warning(code: $0.code, message: $0.message, location: $0.location, hint: $0.hint) },
            rewritesDeferrals: set.rewritesDeferrals)
    }

    static func step(_ change: Change) -> Step {
        var step = Step(action: change.action.rawValue, user: change.user, plan: change.plan)
        switch change {
        case let .addUser(_, attributes): step.attributes = attributes
        case let .updateUser(_, from, to): (step.fromAttributes, step.attributes) = (from, to)
        case let .buy(_, count, from, to): (step.count, step.from, step.to) = (count, from, to)
        case let .assign(_, _, license): step.license = license
        case let .resume(_, plans), let .pause(_, plans): step.plans = plans
        case let .unassign(_, _, license): step.license = license
        case .terminateUser: break
        case let .remove(_, count, from, to, licenses): (step.count, step.from, step.to, step.licenses) = (count, from, to, licenses)
        }
        return step
    }

    /// The saved plan this body describes; throws a message naming the
    /// first field that does not make sense.
    func savedPlan() throws -> SavedPlan {
        guard let now = Clock.parse(createdAt) else { throw SavedPlanProblem.damaged("created_at \"\(createdAt)\" is not a time") }
        let accountChange = try self.accountChange.map { a -> AccountChange in
            guard let kind = AccountKind(rawValue: a.kind) else { throw SavedPlanProblem.damaged("unknown account kind \"\(a.kind)\"") }
            return AccountChange(id: a.id, kind: kind, isNew: a.isNew, name: a.name, timezone: a.timezone, closes: a.closes,
                                 previousName: a.previousName, previousTimezone: a.previousTimezone)
        }
        let changes = try self.changes.enumerated().map { index, step in
            guard let change = step.change else {
                throw SavedPlanProblem.damaged("change \(index + 1) (\"\(step.action)\") is incomplete or of an unknown kind")
            }
            return change
        }
        let deferred = try self.deferred.map { held -> Deferral in
            guard let action = ChangeAction(rawValue: held.action), let code = RuleCode(rawValue: held.code), let until = Day(iso: held.until) else {
                throw SavedPlanProblem.damaged("a deferral of \"\(held.plan)\" is incomplete")
            }
            return Deferral(action: action, plan: held.plan, count: held.count, code: code, until: until)
        }
        let charges = try self.charges.map { c -> PlannedCharges in
            do {
                return PlannedCharges(chargeNow: try Money(parsing: c.chargeNow, currency: c.currency),
                                      credit: try Money(parsing: c.credit, currency: c.currency))
            } catch {
                throw SavedPlanProblem.damaged("its charges are not amounts in \(c.currency)")
            }
        }
        let warnings = self.warnings.map { Diagnostic(.warning, code: $0.code, $0.message, at: $0.location, hint: $0.hint) }
        let set = ChangeSet(account: account, lineage: ledger.lineage, serial: ledger.serial, now: now, accountChange: accountChange,
                            changes: changes, deferred: deferred, diagnostics: warnings, rewritesDeferrals: rewritesDeferrals)
        return SavedPlan(seatctlVersion: seatctlVersion, desiredFile: desired.file, desiredSHA256: desired.sha256,
                         guards: Guards(maxUnassignments: guards.maxUnassignments.map { Located($0) },
                                         maxChargeNow: guards.maxChargeNow.map { Located($0) }),
                         charges: charges, changeSet: set)
    }
}

extension SavedPlanBody.Step {
    init(action: String, user: String?, plan: String?) {
        self.init(action: action, user: user, plan: plan, count: nil, from: nil, to: nil, license: nil, licenses: nil,
                  plans: nil, attributes: nil, fromAttributes: nil)
    }

    /// The change this step records, or nil when a field it needs is missing.
    var change: Change? {
        switch ChangeAction(rawValue: action) {
        case .addUser?:
            guard let user, let attributes else { return nil }
            return .addUser(email: user, attributes)
        case .updateUser?:
            guard let user, let fromAttributes, let attributes else { return nil }
            return .updateUser(email: user, from: fromAttributes, to: attributes)
        case .buy?:
            guard let plan, let count, let from, let to else { return nil }
            return .buy(plan: plan, count: count, from: from, to: to)
        case .assign?:
            guard let user, let plan else { return nil }
            return .assign(email: user, plan: plan, license: license)
        case .resume?:
            guard let user, let plans else { return nil }
            return .resume(email: user, plans: plans)
        case .pause?:
            guard let user, let plans else { return nil }
            return .pause(email: user, plans: plans)
        case .unassign?:
            guard let user, let plan, let license else { return nil }
            return .unassign(email: user, plan: plan, license: license)
        case .terminateUser?:
            guard let user else { return nil }
            return .terminateUser(email: user)
        case .remove?:
            guard let plan, let count, let from, let to, let licenses else { return nil }
            return .remove(plan: plan, count: count, from: from, to: to, licenses: licenses)
        case nil:
            return nil
        }
    }
}
