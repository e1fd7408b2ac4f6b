import Foundation
import SeatCore
import SeatStore

/// The steps `plan` and `apply` share: load the file, read the ledger, plan.
struct Planning {
    let desired: DesiredState
    let source: [UInt8]
    let snapshot: LedgerSnapshot
    let catalog: Catalog
    let changeSet: ChangeSet

    /// `store` is nil when no ledger exists yet: the plan is then made
    /// against an empty ledger and the built-in catalog, creating nothing.
    init(file: String, session: Session, store: (any LedgerStore)?) throws {
        (desired, source) = try session.loadDesired(file)
        catalog = try session.catalog(from: store)
        snapshot = try store?.snapshot(account: desired.account.value) ?? .empty
        changeSet = Planner(catalog: catalog).plan(desired, against: snapshot, now: session.now)
    }

    var report: PlanReport {
        PlanReport(changeSet: changeSet, catalog: catalog, kind: snapshot.account?.kind ?? desired.kind.value)
    }

    /// Prints the plan in the chosen format; errors also go to standard error
    /// with the offending lines. Throws `.reported` when the plan has errors.
    func show(_ session: Session) throws {
        let options = session.options
        switch options.format {
        case .json:
            Console.out(JSONPlanView().render(report))
        case .text, .markdown:
            if !changeSet.hasErrors { Console.out(TextPlanView(style: options.style).render(report)) }
        }
        if changeSet.hasErrors {
            session.printDiagnostics(changeSet.diagnostics, sources: [desired.file: source])
            let count = changeSet.errors.count
            Console.err("\n\(count) error\(count == 1 ? "" : "s"): the desired state cannot be reached as written; nothing was changed.\n")
            throw CLIError.reported
        }
    }
}
