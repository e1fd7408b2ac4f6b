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
    /// The work is spread over two cores:
    /// - while the file loads, the ledger is read and indexed for planning
    ///   (``LedgerIndex``) for the account the file's first lines name (see
    ///   ``ConfigLoader/peekAccount(_:limits:)``); what was read early is
    ///   used only when the loaded file names the same account;
    /// - while the change set is worked out, the account's billing records
    ///   are read (the index is handed over before them), then its current
    ///   invoice (what a plan without changes shows) and its drift worked out.
    ///
    /// `read` is the file as ``Session/read(_:)`` gave it, when the caller has read it already.
    init(file: String, read: Session.FileRead? = nil, session: Session,
         store: (any LedgerStore)?, actor: String? = nil) throws {
        let now = session.now
        let read = try read ?? Session.read(file)
        // The catalog is read before the ledger starts to be read on the
        // second core: both go through the ledger's one connection, where
        // the catalog would wait for the whole snapshot. Its error, if any,
        // comes after the file's, as when it was read after the load.
        let catalogRead = Result { try session.catalog(from: store) }
        let early = store.flatMap { store in
            ConfigLoader.peekAccount(read.bytes).map { account in
                (account: account, read: LedgerRead(account: account, store: store, catalog: try? catalogRead.get(), now: now))
            }
        }
        defer { early?.read.work.join() }
        (desired, source) = try PhaseTimes.measure("load") { try session.loadDesired(file, read: read) }
        let catalog = try catalogRead.get()
        self.catalog = catalog
        let planner = Planner(catalog: catalog)
        let desired = desired
        let fileDiagnostics = PhaseTimes.measure("rules") { planner.fileDiagnostics(desired) }
        let account = desired.account.value
        // (Should the index not come, the early read is waited for by its `defer`.)
        let (ledger, index) = try PhaseTimes.measure("ledger") { () throws -> (LedgerRead, LedgerIndex) in
            let ledger = try early.flatMap { $0.account == account ? $0.read : nil }
                ?? LedgerRead(snapshot: try store?.snapshot(account: account, indexingEmails: true) ?? .empty,
                              store: store, catalog: catalog, now: now)
            return (ledger, try ledger.index.value())
        }
        defer { ledger.work.join() }
        let unpriced = PhaseTimes.measure("plan") {
            planner.changes(desired, against: index, now: now, fileDiagnostics: fileDiagnostics)
        }
        let (snapshot, invoice, drift) = try PhaseTimes.measure("drift") { try ledger.work.value() }
        self.snapshot = snapshot
        self.drift = drift
        // Priced by the engine that applies it, when it is to be applied.
        let engine = actor.map { Applying.engine(actor: $0, catalog: catalog, session: session) }
            ?? BillingEffect.pricingEngine(now: now, catalog: catalog)
        let (changeSet, writes) = PhaseTimes.measure("price") {
            planner.price(unpriced, of: desired, on: snapshot, engine: engine, currentInvoice: invoice)
        }
        self.changeSet = changeSet
        prepared = actor == nil ? nil : writes.map { PreparedWrites(snapshot: snapshot, writes: $0) }
    }

    /// The account's ledger as a plan reads it, on a second thread: the
    /// planner's index as soon as the snapshot is read but for its billing
    /// records, then the whole snapshot with its current invoice and drift.
    private struct LedgerRead {
        let index = Handoff<LedgerIndex>()
        let work: BackgroundWork<(LedgerSnapshot, Invoice?, [DriftItem])>

        /// Reads `account` from `store`. Without `catalog` (it could not be
        /// read: the plan stops there), there is no invoice or drift.
        init(account: String, store: any LedgerStore, catalog: Catalog?, now: Date) {
            let index = index
            work = BackgroundWork {
                do {
                    let snapshot = try store.snapshot(account: account, indexingEmails: true) { withoutBilling in
                        index.put(.success(LedgerIndex(withoutBilling, now: now)))
                    }
                    return try Self.derived(snapshot, store: store, catalog: catalog, now: now)
                } catch {
                    index.put(.failure(error))
                    throw error
                }
            }
        }

        /// The index, invoice and drift of a snapshot read already.
        init(snapshot: LedgerSnapshot, store: (any LedgerStore)?, catalog: Catalog, now: Date) {
            index.put(.success(LedgerIndex(snapshot, now: now)))
            work = BackgroundWork { try Self.derived(snapshot, store: store, catalog: catalog, now: now) }
        }

        private static func derived(_ snapshot: LedgerSnapshot, store: (any LedgerStore)?, catalog: Catalog?,
                                    now: Date) throws -> (LedgerSnapshot, Invoice?, [DriftItem]) {
            guard let catalog else { return (snapshot, nil, []) }
            return (snapshot, BillingEffect.currentInvoice(of: snapshot, catalog: catalog),
                    try Planning.drift(store: store, snapshot: snapshot, catalog: catalog, now: now))
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
