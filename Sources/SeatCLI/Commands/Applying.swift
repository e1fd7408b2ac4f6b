import Foundation
import SeatCore
import SeatStore

/// A guard of the desired-state file that a change set exceeds
/// (`large_change`): applied only with `--allow-large-change`.
enum GuardViolation: Hashable {
    case unassignments(users: Int, limit: Located<Int>)
    case chargeNow(Money, maximum: Money, limit: Located<String>)
    /// `guards.maxChargeNow` is not an amount in the catalog's currency.
    case unreadableChargeLimit(reason: String, currency: String, limit: Located<String>)

    var code: RuleCode {
        if case .unreadableChargeLimit = self { return .invalidValue }
        return .largeChange
    }

    var message: String {
        switch self {
        case let .unassignments(users, limit):
            return "this apply would unassign or terminate \(users) users, more than guards.maxUnassignments (\(limit.value))"
        case let .chargeNow(charge, maximum, _):
            return "this apply would charge \(charge.formatted) now, more than guards.maxChargeNow (\(maximum.formatted))"
        case let .unreadableChargeLimit(reason, _, _):
            return "guards.maxChargeNow: \(reason)"
        }
    }

    var hint: String {
        if case let .unreadableChargeLimit(_, currency, _) = self { return "write it in the catalog's currency, \(currency)" }
        return "re-run with --allow-large-change if this is intended"
    }

    /// Where the guard is written, when known.
    var location: SourceLocation? {
        switch self {
        case let .unassignments(_, limit): return limit.location
        case let .chargeNow(_, _, limit), let .unreadableChargeLimit(_, _, limit): return limit.location
        }
    }
}

/// The steps every way of applying shares (`apply FILE`, `apply PLANFILE`,
/// `reconcile`): the guards, running the change set through the engine
/// inside one ledger transaction, and the closing line.
enum Applying {
    /// `large_change`: the file's guards that `changeSet` exceeds. The one
    /// check behind `apply FILE`, `apply PLANFILE` and `reconcile`.
    static func guardViolations(_ changeSet: ChangeSet, guards: Guards) -> [GuardViolation] {
        var violations: [GuardViolation] = []
        if let limit = guards.maxUnassignments {
            var users: Set<String> = []
            for change in changeSet.changes {
                switch change {
                case .unassign(let email, _, _), .terminateUser(let email): users.insert(email)
                default: break
                }
            }
            if users.count > limit.value { violations.append(.unassignments(users: users.count, limit: limit)) }
        }
        if let limit = guards.maxChargeNow, let charge = changeSet.billing?.chargeNow {
            do {
                let maximum = try Money(parsing: limit.value, currency: charge.currency)
                if charge > maximum { violations.append(.chargeNow(charge, maximum: maximum, limit: limit)) }
            } catch {
                violations.append(.unreadableChargeLimit(reason: error.description, currency: charge.currency, limit: limit))
            }
        }
        return violations
    }

    /// Applies exactly `changeSet` in one transaction: the engine re-checks
    /// every step against the ledger as it is now, and the store refuses
    /// the whole change set when the account's lineage or serial moved.
    @discardableResult
    static func run(_ changeSet: ChangeSet, catalog: Catalog, store existing: (any LedgerStore)?, session: Session,
                    actor: String) throws -> LedgerWrites {
        let store = try existing ?? session.store(actor: actor)
        let engine = ApplyEngine(actor: actor, now: session.now, catalog: catalog)
        return try store.apply(account: changeSet.account, expectedLineage: changeSet.lineage, expectedSerial: changeSet.serial) {
            snapshot, isCodeFree in
            try engine.writes(for: changeSet, on: snapshot, isCodeFree: isCodeFree)
        }
    }

    /// "Apply complete! …" on standard output (standard error for JSON, so
    /// the document stays the only thing on standard output).
    static func reportDone(_ changeSet: ChangeSet, _ writes: LedgerWrites, options: GlobalOptions) {
        let summary = TextPlanView(style: options.style).summaryLine(changeSet, applied: true)
        switch options.format {
        case .json:
            Console.err("Applied: \(summary) Ledger serial \(writes.account.serial).\n")
        case .text, .markdown:
            if changeSet.hasChanges {
                Console.out("\n" + options.style.green("Apply complete!") + " \(summary) Ledger serial \(writes.account.serial).\n")
            } else {
                Console.out("\nRecorded the deferred changes. Ledger serial \(writes.account.serial).\n")
            }
        }
    }
}
