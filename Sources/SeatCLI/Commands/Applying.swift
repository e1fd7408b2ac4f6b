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

    /// The engine that applies change sets in this command's name.
    static func engine(actor: String, catalog: Catalog, session: Session) -> ApplyEngine {
        ApplyEngine(actor: actor, now: session.now, catalog: catalog)
    }

    /// Applies exactly `changeSet` in one transaction: the engine re-checks
    /// every step against the ledger as it is now, and the store refuses
    /// the whole change set when the account's lineage or serial moved.
    /// With `prepared` rows, worked out by the same engine while planning,
    /// an unchanged ledger gets them without the engine running again.
    @discardableResult
    static func run(_ changeSet: ChangeSet, catalog: Catalog, store existing: (any LedgerStore)?, session: Session,
                    actor: String, prepared: PreparedWrites? = nil) throws -> LedgerWrites {
        let store = try existing ?? session.store(actor: actor)
        let engine = engine(actor: actor, catalog: catalog, session: session)
        return try PhaseTimes.measure("apply") {
            try store.apply(account: changeSet.account, expectedLineage: changeSet.lineage, expectedSerial: changeSet.serial) {
                snapshot, codes in
                if let prepared, try prepared.fits(snapshot, codes: codes) { return prepared.writes }
                return try PhaseTimes.measure("engine") { try engine.writes(for: changeSet, on: snapshot, codes: codes) }
            }
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

/// The rows an apply writes, worked out by the apply engine while the plan
/// was priced, and the snapshot they were worked out on. The engine is a
/// pure function of the change set, the snapshot, its actor, clock and
/// catalog: inside the apply's transaction, a snapshot equal to this one
/// gets exactly these rows, so the engine need not run twice.
struct PreparedWrites {
    let snapshot: LedgerSnapshot
    let writes: LedgerWrites

    /// True when the ledger is still exactly as planned against and no
    /// account of it took one of the codes drawn for the licenses bought.
    func fits(_ current: LedgerSnapshot, codes: LicenseCodeCheck) throws -> Bool {
        guard PhaseTimes.measure("compare", { current == snapshot }) else { return false }
        return try writes.boughtCodes.isEmpty || codes.taken(writes.boughtCodes).isEmpty
    }
}
