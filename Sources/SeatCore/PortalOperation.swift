import Foundation

/// One manual action of the vendor's portal (`seatctl license …`,
/// `seatctl user …`). A portal operation is not applied by itself: the
/// ``PortalPlanner`` turns it into the same ``Change`` values a plan holds,
/// so the same rules, the same engine and the same journal apply to it.
public enum PortalOperation: Hashable, Sendable {
    /// Buys `count` licenses of a plan.
    case buy(plan: String, count: Int)
    /// Removes `count` unassigned licenses of a plan, newest first.
    case remove(plan: String, count: Int)
    /// Pauses the license with this code, and with it its holder.
    case pause(license: String)
    /// Resumes the license with this code, and with it its holder.
    case resume(license: String)
    /// Adds a user, or brings back a terminated one.
    case addUser(email: String, name: String?, role: Role)
    /// Assigns the oldest unassigned active license of a plan, buying one when none is free.
    case assign(email: String, plan: String)
    /// Unassigns the user's licenses of a plan.
    case unassign(email: String, plan: String)
    /// Unassigns every license of the user, then terminates the user.
    /// `lastWorkDay`, when given, must not be after today; it is journaled.
    case terminate(email: String, lastWorkDay: Day?)

    /// The command that names the operation, e.g. `license buy`.
    public var command: String {
        switch self {
        case .buy: return "license buy"
        case .remove: return "license remove"
        case .pause: return "license pause"
        case .resume: return "license resume"
        case .addUser: return "user add"
        case .assign: return "user assign"
        case .unassign: return "user unassign"
        case .terminate: return "user terminate"
        }
    }
}

/// What a portal operation will do to one account: the change set to apply
/// (empty when there is nothing to do), the errors that forbid it, and the
/// choices it made on its own, which the output states.
public struct PortalPlan: Hashable, Sendable {
    public var operation: PortalOperation
    /// Planned against the snapshot; its diagnostics hold the errors and warnings.
    public var changeSet: ChangeSet
    /// Sentences about choices the operation made (a license bought because
    /// none was free, the other licenses a pause suspends) or why it does
    /// nothing.
    public var notes: [String]

    public init(operation: PortalOperation, changeSet: ChangeSet, notes: [String] = []) {
        self.operation = operation
        self.changeSet = changeSet
        self.notes = notes
    }

    /// True when the operation is allowed and changes the ledger.
    public var hasChanges: Bool { !changeSet.hasErrors && changeSet.hasChanges }

    /// The rows applying this plan writes, computed by `engine` on `snapshot`
    /// (the store's current one). The journal entry of a termination also
    /// records the user's last work day.
    public func writes(engine: ApplyEngine, on snapshot: LedgerSnapshot,
                       codes: LicenseCodeCheck) throws -> LedgerWrites {
        var writes = try engine.writes(for: changeSet, on: snapshot, codes: codes)
        if case let .terminate(email, lastWorkDay?) = operation {
            for index in writes.journal.indices
            where writes.journal[index].action == ChangeAction.terminateUser.rawValue && writes.journal[index].subject == email {
                writes.journal[index].to = "terminated (last work day \(lastWorkDay))"
            }
        }
        return writes
    }
}
