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
    /// What changed outside an apply since the account's latest apply.
    let drift: [DriftItem]

    /// `store` is nil when no ledger exists yet: the plan is then made
    /// against an empty ledger and the built-in catalog, creating nothing.
    init(file: String, session: Session, store: (any LedgerStore)?) throws {
        (desired, source) = try session.loadDesired(file)
        catalog = try session.catalog(from: store)
        snapshot = try store?.snapshot(account: desired.account.value) ?? .empty
        changeSet = Planner(catalog: catalog).plan(desired, against: snapshot, now: session.now)
        drift = try Planning.drift(store: store, snapshot: snapshot, catalog: catalog, now: session.now)
    }

    /// Drift of the snapshot's account; none without a ledger or an account.
    static func drift(store: (any LedgerStore)?, snapshot: LedgerSnapshot, catalog: Catalog, now: Date) throws -> [DriftItem] {
        guard let store, let account = snapshot.account else { return [] }
        let history = try store.history(forDriftOf: account.id)
        return DriftDetector(catalog: catalog).detect(snapshot: snapshot, history: history, now: now)
    }

    var report: PlanReport {
        PlanReport(changeSet: changeSet, catalog: catalog, kind: snapshot.account?.kind ?? desired.kind.value, drift: drift)
    }

    /// Prints the plan in the chosen format; errors also go to standard error
    /// with the offending lines. Throws `.reported` when the plan has errors.
    func show(_ session: Session) throws {
        let options = session.options
        switch options.format {
        case .json:
            Console.out(JSONPlanView().render(report))
        case .markdown:
            // A PR comment shows the errors too, up front.
            Console.out(MarkdownPlanView().render(report))
        case .text:
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
