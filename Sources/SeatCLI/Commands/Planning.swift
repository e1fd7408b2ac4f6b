import Foundation
import SeatConfig
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
    /// The rows the apply engine computed for `changeSet` on `snapshot`
    /// while pricing it, when planning for an apply (see ``PreparedWrites``).
    let prepared: PreparedWrites?

    /// `store` is nil when no ledger exists yet: the plan is then made
    /// against an empty ledger and the built-in catalog, creating nothing.
    /// `actor` is given when the plan is to be applied: the plan is then
    /// priced by the very engine that applies it, and its rows kept.
    ///
    /// The ledger is read on a second core while the file loads: the
    /// account is known from the file's first lines (see
    /// ``ConfigLoader/peekAccount(_:limits:)``), and what was read early is
    /// used only when the loaded file names the same account.
    init(file: String, session: Session, store: (any LedgerStore)?, actor: String? = nil) throws {
        let read = try Session.read(file)
        let early = store.flatMap { store in
            ConfigLoader.peekAccount(read.bytes).map { account in
                (account: account, snapshot: BackgroundWork { try store.snapshot(account: account) })
            }
        }
        defer { early?.snapshot.join() }
        (desired, source) = try PhaseTimes.measure("load") { try session.loadDesired(file, read: read) }
        let catalog = try session.catalog(from: store)
        self.catalog = catalog
        let account = desired.account.value
        let snapshot = try PhaseTimes.measure("snapshot") {
            if let early, early.account == account { return try early.snapshot.value() }
            return try store?.snapshot(account: account) ?? .empty
        }
        self.snapshot = snapshot
        let desired = desired
        let planner = Planner(catalog: catalog)
        if let actor {
            let engine = Applying.engine(actor: actor, catalog: catalog, session: session)
            let (changeSet, writes) = PhaseTimes.measure("plan") { planner.plan(desired, against: snapshot, now: session.now, pricedBy: engine) }
            self.changeSet = changeSet
            prepared = writes.map { PreparedWrites(snapshot: snapshot, writes: $0) }
        } else {
            changeSet = PhaseTimes.measure("plan") { planner.plan(desired, against: snapshot, now: session.now) }
            prepared = nil
        }
        drift = try PhaseTimes.measure("drift") {
            try Planning.drift(store: store, snapshot: snapshot, catalog: catalog, now: session.now)
        }
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
        try PhaseTimes.measure("show") { try render(session) }
    }

    private func render(_ session: Session) throws {
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
