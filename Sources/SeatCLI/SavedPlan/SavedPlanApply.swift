import Foundation
import SeatCore
import SeatStore

/// `seatctl apply PLANFILE`: carries out exactly the saved change set,
/// without planning again and without asking (saving the plan and choosing
/// to apply it was the approval). Refuses, changing nothing, when:
///
/// - the plan file is damaged, edited, of an unknown format version or
///   written by another seatctl version;
/// - the desired-state file it was made from is still at its path but its
///   bytes changed (a missing file is no reason to refuse: the plan holds
///   every change, and CI often applies it in another checkout);
/// - the clock is on another day, in the account's time zone, than the
///   plan's (proration, expiries and contract renewals are computed per day)
///   or before the plan's time;
/// - the account's lineage or serial moved since (a stale plan).
///
/// The journal records the time of the apply (`--now` or the clock), not
/// the plan's.
struct SavedPlanApply {
    let file: String
    let bytes: [UInt8]
    let session: Session
    let allowLargeChange: Bool
    let actor: String

    func run() throws {
        let saved: SavedPlan
        do {
            saved = try PhaseTimes.measure("read plan") { try SavedPlan.read(bytes) }
        } catch let problem as SavedPlanProblem {
            throw problem.message(file: file)
        }
        var set = saved.changeSet
        let existing = try session.existingStore(actor: actor)
        // The ledger is read on a second core while the desired-state file is checked.
        let account = set.account
        let early = existing.map { store in BackgroundWork { try store.snapshot(account: account) } }
        defer { early?.join() }
        try checkDesiredFile(saved)

        let snapshot = try PhaseTimes.measure("snapshot") { try early?.value() ?? .empty }
        ProcessLifetime.keepUntilExit(snapshot)
        let catalog = try session.catalog(from: existing)
        // The account's current invoice, from which pricing derives the next
        // one, on the second core while the engine works out the rows.
        let current = BackgroundWork { BillingEffect.currentInvoice(of: snapshot, catalog: catalog) }
        defer { current.join() }
        try checkClock(saved, snapshot: snapshot)
        try checkCurrent(set, found: snapshot.account)
        // The same change set on the same ledger on the same day costs the
        // same, unless the catalog's prices changed since. It is priced by
        // the engine that applies it, whose rows the apply then persists
        // when the ledger is still as read here (as `apply FILE` does).
        let engine = Applying.engine(actor: actor, catalog: catalog, session: session)
        let priced = PhaseTimes.measure("price") {
            try? BillingEffect.compute(set, on: snapshot, catalog: catalog, engine: engine,
                                       currentInvoice: try? current.value())
        }
        set.billing = priced?.effect
        try checkCharges(saved, found: set.billing)
        if !allowLargeChange, let violation = Applying.guardViolations(set, guards: saved.guards).first {
            throw CLIError.message("[\(violation.code.rawValue)] " + violation.message + "; nothing was changed", hint: violation.hint)
        }

        let kind = snapshot.account?.kind ?? set.accountChange?.kind ?? .enterprise
        let report = PlanReport(changeSet: set, catalog: catalog, kind: kind)
        let options = session.options
        switch options.format {
        case .json: Console.out(JSONPlanView().render(report))
        case .markdown: Console.out(MarkdownPlanView().render(report))
        case .text: Console.out(TextPlanView(style: options.style).render(report))
        }
        guard set.hasChanges || set.rewritesDeferrals else { return }

        let writes: LedgerWrites
        do {
            writes = try Applying.run(set, catalog: catalog, store: existing, session: session, actor: actor,
                                      prepared: priced?.writes.map { PreparedWrites(snapshot: snapshot, writes: $0) })
        } catch let LedgerError.stale(_, _, _, foundLineage, foundSerial) {
            // Another writer got in between the check above and the transaction.
            throw stale(set, foundLineage: foundLineage, foundSerial: foundSerial)
        }
        Applying.reportDone(set, writes, options: options)
    }

    /// The desired-state file, when still at its path, must be the one planned.
    func checkDesiredFile(_ saved: SavedPlan) throws {
        guard FileManager.default.fileExists(atPath: saved.desiredFile) else {
            Console.err("note: \(sanitizedForDisplay(saved.desiredFile)), which this plan was made from, is not here; applying the saved change set as it was planned.\n")
            return
        }
        // A file over the loaders' size limit is not read, and could not have been planned.
        let (bytes, tooLarge) = try Session.read(saved.desiredFile)
        let current = tooLarge == nil ? SavedPlan.sha256(bytes) : "(too large to read)"
        guard current == saved.desiredSHA256 else {
            throw CLIError.message(
                "Saved plan is stale: the desired-state file \(saved.desiredFile) changed since this plan was created (SHA-256 \(saved.desiredSHA256.prefix(12))… expected, \(current.prefix(12))… found); nothing was changed",
                hint: "run `seatctl plan \(saved.desiredFile) --out \(file)` again and review the new plan")
        }
    }

    /// The apply's day must be the plan's day in the account's time zone.
    func checkClock(_ saved: SavedPlan, snapshot: LedgerSnapshot) throws {
        let set = saved.changeSet
        let zoneName = snapshot.account?.timezone ?? set.accountChange?.timezone ?? "UTC"
        let zone = TimeZone(identifier: zoneName) ?? TimeZone(identifier: "UTC")!
        let planned = Day(set.now, in: zone)
        let today = Day(session.now, in: zone)
        if session.now < set.now.addingTimeInterval(-1) {
            throw CLIError.message("this plan was created at \(Clock.format(set.now)), after the apply's clock (\(Clock.format(session.now))); nothing was changed",
                                   hint: "apply it with the clock it was planned with, or later the same day")
        }
        guard planned == today else {
            throw CLIError.message(
                "Saved plan is stale: it was created on \(planned) and today is \(today) in \(zoneName); charges, expiries and contract terms are computed per day. Run seatctl plan again; nothing was changed",
                hint: "plan and apply on the same day")
        }
    }

    /// The charges must be those the plan showed.
    func checkCharges(_ saved: SavedPlan, found billing: BillingEffect?) throws {
        guard let planned = saved.charges, let billing else { return }
        let found = PlannedCharges(chargeNow: billing.chargeNow, credit: billing.credit)
        guard found != planned else { return }
        throw CLIError.message(
            "Saved plan is stale: its charges changed since this plan was created (\(planned.description) expected, \(found.description) found; the catalog's prices changed). Run seatctl plan again; nothing was changed",
            hint: "review the new plan's billing before applying it")
    }

    /// The account must be exactly as it was planned against.
    func checkCurrent(_ set: ChangeSet, found: LedgerAccount?) throws {
        guard found?.lineage == set.lineage, (found?.serial ?? 0) == set.serial else {
            throw stale(set, foundLineage: found?.lineage, foundSerial: found?.serial ?? 0)
        }
    }

    /// Terraform's words for a plan the state moved away from.
    func stale(_ set: ChangeSet, foundLineage: String?, foundSerial: Int) -> CLIError {
        let hint = "the saved plan can no longer be applied because the ledger was changed by another operation after it was created"
        let account = sanitizedForDisplay(set.account)
        if set.lineage == nil {
            return .message("Saved plan is stale: account \(account) was created by another operation since this plan was created. Run seatctl plan again.", hint: hint)
        }
        if foundLineage != set.lineage {
            return .message("Saved plan is stale: the ledger for account \(account) is not the one this plan was created for (lineage \(set.lineage ?? "none") expected, \(foundLineage ?? "none") found). Run seatctl plan again.", hint: hint)
        }
        return .message("Saved plan is stale: the ledger for account \(account) changed since this plan was created (serial \(set.serial) expected, \(foundSerial) found). Run seatctl plan again.", hint: hint)
    }
}
